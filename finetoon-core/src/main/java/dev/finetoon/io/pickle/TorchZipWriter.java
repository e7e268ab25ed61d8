package dev.finetoon.io.pickle;

import com.google.common.io.CountingOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the zip container of {@code torch.save} (PyTorch ≥ 1.6, {@code caffe2/serialize/inline_container.cc}'s
 * {@code PyTorchStreamWriter}): every record stored uncompressed under one top-level folder, its bytes starting at a
 * 64-byte-aligned file offset (the local header's extra field is padded, as torch does, so that readers may map the
 * data), {@code data.pkl} first, then the storages, then {@code version}. Uses the JDK's {@link ZipOutputStream} in
 * STORED mode; the alignment is the only part added by hand.
 *
 * <p>Not thread-safe: one per file.
 */
final class TorchZipWriter {
  /** torch's {@code kFieldAlignment}. */
  static final int ALIGNMENT = 64;

  /** The file format version torch 1.6 to 2.x write for tensors without newer features. */
  private static final byte[] VERSION = "3\n".getBytes(StandardCharsets.US_ASCII);

  private static final int LOCAL_HEADER_BYTES = 30;
  /** An extra-field block is a 2-byte id and a 2-byte length; torch's padding block is {@code FB}. */
  private static final int PADDING_ID = 0x4246;
  private static final int EXTRA_HEADER_BYTES = 4;
  /** A fixed time near the DOS epoch (torch writes none), so that equal models give equal files. */
  private static final LocalDateTime TIME = LocalDateTime.of(1980, 1, 1, 0, 0, 2);

  private final CountingOutputStream counted;
  private final ZipOutputStream zip;
  private final String folder;

  /** A writer whose records go under {@code folder/} (torch uses the file's stem). */
  TorchZipWriter(OutputStream out, String folder) {
    this.counted = new CountingOutputStream(out);
    this.zip = new ZipOutputStream(counted, StandardCharsets.UTF_8);
    this.folder = folder;
  }

  /** Writes one record, e.g. {@code data.pkl} or {@code data/0}. */
  void record(String name, byte[] bytes) throws IOException {
    String entryName = folder + "/" + name;
    int nameBytes = entryName.getBytes(StandardCharsets.UTF_8).length;
    long unpadded = counted.getCount() + LOCAL_HEADER_BYTES + nameBytes + EXTRA_HEADER_BYTES;
    int padding = (int) ((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT);
    byte[] extra = new byte[EXTRA_HEADER_BYTES + padding];
    extra[0] = (byte) PADDING_ID;
    extra[1] = (byte) (PADDING_ID >> 8);
    extra[2] = (byte) padding;
    extra[3] = (byte) (padding >> 8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    ZipEntry entry = new ZipEntry(entryName);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(bytes.length);
    entry.setCompressedSize(bytes.length);
    entry.setCrc(crc.getValue());
    entry.setTimeLocal(TIME);
    entry.setExtra(extra);
    zip.putNextEntry(entry);
    if ((counted.getCount() % ALIGNMENT) != 0) {
      throw new IllegalStateException("record " + entryName + " would start at unaligned offset " + counted.getCount());
    }
    zip.write(bytes);
    zip.closeEntry();
  }

  /** Writes the {@code version} record and the central directory; the stream stays open. */
  void finish() throws IOException {
    record("version", VERSION);
    zip.finish();
    zip.flush();
  }
}
