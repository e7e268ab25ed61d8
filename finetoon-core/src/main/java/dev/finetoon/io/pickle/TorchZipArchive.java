package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of a {@code torch.save} zip archive (PyTorch ≥ 1.6), read over a {@link FileChannel}.
 *
 * <p>Written by hand rather than with {@code java.util.zip}: {@code ZipFile} trusts the sizes its headers declare and
 * inflates whatever it is given, and neither can be bounded from outside. torch writes every entry stored (method 0,
 * its data 64-byte aligned), so a reader of stored entries is small: it checks the whole central directory against
 * the file before anything is read — every entry stored, inside the archive, not overlapping another, named once,
 * inside the one top-level folder (found as the prefix of {@code …/data.pkl}, never from the file name) — and then
 * hands out entries as slices of the file mapped read-only (one mapping under 2 GiB, one per entry above), so nothing
 * is allocated on the word of a header. ZIP64 archives (over
 * 4 GiB or 65 535 entries) are refused.
 *
 * <p>Immutable after {@link #open}; thread-safe.
 */
final class TorchZipArchive {
  private static final int LOCAL_HEADER = 0x04034b50;
  private static final int CENTRAL_HEADER = 0x02014b50;
  private static final int END_OF_DIRECTORY = 0x06054b50;
  private static final int END_LENGTH = 22;
  private static final int LOCAL_LENGTH = 30;
  private static final int CENTRAL_LENGTH = 46;

  /** One stored entry: where its bytes start in the file and how many there are. */
  private record Entry(String name, long headerOffset, long dataOffset, long size) {}

  private final Path file;
  private final String folder;
  private final Map<String, Entry> entries;
  /** The whole file mapped once when it is under 2 GiB (entries are slices of it), else null. */
  private final ByteBuffer mapped;

  private TorchZipArchive(Path file, String folder, Map<String, Entry> entries, ByteBuffer mapped) {
    this.file = file;
    this.folder = folder;
    this.entries = entries;
    this.mapped = mapped;
  }

  /** True when {@code head} starts like a zip archive (a local file header). */
  static boolean looksLikeZip(byte[] head, int length) {
    return length >= 4 && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == LOCAL_HEADER;
  }

  /** Reads and checks the archive's directory; throws {@link ModelFormatException} naming the first problem. */
  static TorchZipArchive open(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer end = endOfDirectory(channel, size, file);
      int count = end.getShort(10) & 0xffff;
      long directorySize = end.getInt(12) & 0xffffffffL;
      long directoryOffset = end.getInt(16) & 0xffffffffL;
      if (end.getShort(4) != 0 || end.getShort(6) != 0 || (end.getShort(8) & 0xffff) != count) {
        throw new ModelFormatException(file + " is a multi-volume zip archive, not a torch.save file");
      }
      if (count == 0xffff || directorySize == 0xffffffffL || directoryOffset == 0xffffffffL) {
        throw new ModelFormatException(file + " is a ZIP64 archive (over 4 GiB or 65535 entries): not supported");
      }
      long directoryEnd = size - end.remaining();
      if (directoryOffset + directorySize > directoryEnd) {
        throw new ModelFormatException(file + ": the zip central directory (" + directorySize + " bytes at "
            + directoryOffset + ") reaches past the end of the archive");
      }
      ByteBuffer directory = read(channel, directoryOffset, (int) directorySize);
      List<Entry> list = new ArrayList<>();
      int at = 0;
      for (int i = 0; i < count; i++) {
        list.add(centralEntry(channel, directory, at, directoryOffset, file));
        at += CENTRAL_LENGTH + (directory.getShort(at + 28) & 0xffff) + (directory.getShort(at + 30) & 0xffff)
            + (directory.getShort(at + 32) & 0xffff);
      }
      ByteBuffer mapped = size <= Integer.MAX_VALUE ? channel.map(FileChannel.MapMode.READ_ONLY, 0, size) : null;
      return new TorchZipArchive(file, folder(list, file), index(list, file), mapped);
    }
  }

  /** The archive's top-level folder, e.g. {@code 010000} (the file's stem when it was saved). */
  String folder() {
    return folder;
  }

  /** True when the archive has the entry {@code folder/name}. */
  boolean has(String name) {
    return entries.containsKey(name);
  }

  /** The names inside the folder, in file order. */
  List<String> names() {
    return List.copyOf(entries.keySet());
  }

  /** The bytes of entry {@code folder/name}, mapped read-only and little-endian. */
  ByteBuffer entry(String name) throws IOException {
    Entry e = entries.get(name);
    if (e == null) {
      throw new ModelFormatException(file + " has no entry " + folder + "/" + name);
    }
    if (mapped != null) {
      return mapped.slice((int) e.dataOffset(), (int) e.size()).order(ByteOrder.LITTLE_ENDIAN);
    }
    if (e.size() > Integer.MAX_VALUE - 64) {
      throw new ModelFormatException(file + ": entry " + e.name() + " is over 2 GiB, not supported");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() < e.dataOffset() + e.size()) {
        throw new ModelFormatException(file + " was truncated while it was being read");
      }
      return channel.map(FileChannel.MapMode.READ_ONLY, e.dataOffset(), e.size()).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  /** The bytes of a small entry (a pickle, a version record) copied to the heap. */
  byte[] bytes(String name) throws IOException {
    ByteBuffer data = entry(name);
    byte[] out = new byte[data.remaining()];
    data.get(out);
    return out;
  }

  /** Finds the end-of-central-directory record, searching back over a comment of at most 64 KiB. */
  private static ByteBuffer endOfDirectory(FileChannel channel, long size, Path file) throws IOException {
    if (size < END_LENGTH) {
      throw new ModelFormatException(file + " is too short to be a zip archive (" + size + " bytes)");
    }
    int tailLength = (int) Math.min(size, END_LENGTH + 0xffff);
    ByteBuffer tail = read(channel, size - tailLength, tailLength);
    for (int at = tailLength - END_LENGTH; at >= 0; at--) {
      if (tail.getInt(at) == END_OF_DIRECTORY && at + END_LENGTH + (tail.getShort(at + 20) & 0xffff) == tailLength) {
        return tail.slice(at, tailLength - at).order(ByteOrder.LITTLE_ENDIAN);
      }
    }
    throw new ModelFormatException(file + " is a truncated or corrupt zip archive: no end of central directory");
  }

  private static Entry centralEntry(FileChannel channel, ByteBuffer directory, int at, long directoryOffset, Path file)
      throws IOException {
    if (directory.limit() - at < CENTRAL_LENGTH || directory.getInt(at) != CENTRAL_HEADER) {
      throw new ModelFormatException(file + ": corrupt zip central directory at byte " + (directoryOffset + at));
    }
    int nameLength = directory.getShort(at + 28) & 0xffff;
    int extraLength = directory.getShort(at + 30) & 0xffff;
    int commentLength = directory.getShort(at + 32) & 0xffff;
    if (directory.limit() - at - CENTRAL_LENGTH < nameLength + extraLength + commentLength) {
      throw new ModelFormatException(file + ": corrupt zip central directory at byte " + (directoryOffset + at));
    }
    String name = name(directory, at + CENTRAL_LENGTH, nameLength, file);
    int flags = directory.getShort(at + 8) & 0xffff;
    int method = directory.getShort(at + 10) & 0xffff;
    long compressed = directory.getInt(at + 20) & 0xffffffffL;
    long size = directory.getInt(at + 24) & 0xffffffffL;
    long headerOffset = directory.getInt(at + 42) & 0xffffffffL;
    if ((flags & 1) != 0) {
      throw new ModelFormatException(file + ": zip entry " + name + " is encrypted");
    }
    if (method != 0 || compressed != size) {
      throw new ModelFormatException(file + ": zip entry " + name + " is compressed (method " + method + ", "
          + compressed + " bytes for " + size + "); torch.save stores every entry uncompressed");
    }
    if (headerOffset + LOCAL_LENGTH > directoryOffset) {
      throw new ModelFormatException(file + ": zip entry " + name + " starts at byte " + headerOffset
          + ", outside the archive's data");
    }
    ByteBuffer local = read(channel, headerOffset, LOCAL_LENGTH);
    int localName = local.getShort(26) & 0xffff;
    int localExtra = local.getShort(28) & 0xffff;
    long dataOffset = headerOffset + LOCAL_LENGTH + localName + localExtra;
    if (local.getInt(0) != LOCAL_HEADER || localName != nameLength || dataOffset > directoryOffset
        || !name(read(channel, headerOffset + LOCAL_LENGTH, localName), 0, localName, file).equals(name)) {
      throw new ModelFormatException(file + ": the local header of zip entry " + name + " at byte " + headerOffset
          + " does not match the central directory");
    }
    if (size > directoryOffset - dataOffset) {
      throw new ModelFormatException(file + ": zip entry " + name + " claims " + size + " bytes, but only "
          + (directoryOffset - dataOffset) + " lie between its data and the central directory");
    }
    return new Entry(name, headerOffset, dataOffset, size);
  }

  private static String name(ByteBuffer bytes, int at, int length, Path file) throws ModelFormatException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.slice(at, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ModelFormatException(file + ": a zip entry name is not UTF-8", e);
    }
  }

  /** The folder holding {@code data.pkl}; every entry must lie inside it. */
  private static String folder(List<Entry> list, Path file) throws ModelFormatException {
    String folder = null;
    for (Entry e : list) {
      if (e.name().endsWith("/data.pkl") && e.name().indexOf('/') == e.name().length() - "/data.pkl".length()) {
        if (folder != null) {
          throw new ModelFormatException(file + " holds two pickles, " + folder + "/data.pkl and " + e.name());
        }
        folder = e.name().substring(0, e.name().indexOf('/'));
      }
    }
    if (folder == null) {
      throw new ModelFormatException(file + " is a zip archive without <folder>/data.pkl: not a torch.save file");
    }
    return folder;
  }

  /** Entries by their name inside the folder; refuses paths that leave it, duplicates and overlapping data. */
  private static Map<String, Entry> index(List<Entry> list, Path file) throws ModelFormatException {
    String folder = folder(list, file);
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Entry e : list) {
      String name = e.name();
      String inner = name.startsWith(folder + "/") ? name.substring(folder.length() + 1) : null;
      if (inner == null || inner.isEmpty() || inner.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
          || List.of(inner.split("/", -1)).stream().anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
        throw new ModelFormatException(file + ": zip entry " + name + " lies outside the archive's folder " + folder);
      }
      if (out.put(inner, e) != null) {
        throw new ModelFormatException(file + ": zip entry " + name + " appears twice");
      }
    }
    List<Entry> byOffset = new ArrayList<>(list);
    byOffset.sort(Comparator.comparingLong(Entry::headerOffset));
    for (int i = 1; i < byOffset.size(); i++) {
      Entry previous = byOffset.get(i - 1);
      if (previous.dataOffset() + previous.size() > byOffset.get(i).headerOffset()) {
        throw new ModelFormatException(file + ": zip entries " + previous.name() + " and " + byOffset.get(i).name()
            + " overlap (a zip bomb?)");
      }
    }
    return out;
  }

  private static ByteBuffer read(FileChannel channel, long offset, int length) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (out.hasRemaining()) {
      if (channel.read(out, offset + out.position()) < 0) {
        throw new ModelFormatException("zip archive truncated at byte " + (offset + out.position()));
      }
    }
    return out.flip();
  }
}
