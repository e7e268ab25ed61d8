package dev.finetoon.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes numpy {@code .npz} archives: zip files of {@code name.npy} entries, stored as {@code np.savez}
 * writes them or deflated as {@code np.savez_compressed} does. Entries are read as {@link NpyFile} reads files, with
 * the same checks.
 *
 * <pre>{@code
 * NpzFile.write(Path.of("projected_w.npz"), Map.of("w", NpyArray.of(ws))); // ws: [1, num_ws, w_dim]
 * Tensor w = NpzFile.read(Path.of("projected_w.npz")).get("w").toTensor();
 * }</pre>
 */
public final class NpzFile {
  private static final String SUFFIX = ".npy";
  /** Entries get a fixed time so that equal arrays give equal files. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
  /** The default budget of decompressed array data, far above any w file (NVIDIA's 1024² w+ is 36 kB). */
  public static final long DEFAULT_MAX_BYTES = 128L << 20;

  private NpzFile() {}

  /**
   * The arrays in {@code file} by name (the entry name without {@code .npy}), in the archive's order, holding at most
   * {@link #DEFAULT_MAX_BYTES} of data in all.
   */
  public static Map<String, NpyArray> read(Path file) throws IOException {
    return read(file, DEFAULT_MAX_BYTES);
  }

  /**
   * Like {@link #read(Path)} with a budget: the arrays' headers may announce at most {@code maxBytes} of data in all,
   * and each entry must inflate to exactly what its header announces. A deflated entry inflates up to a thousand
   * times its size, so the budget, not the file's size, is what bounds memory.
   */
  public static Map<String, NpyArray> read(Path file, long maxBytes) throws IOException {
    checkArgument(maxBytes >= 0, "maxBytes must be non-negative, got %s", maxBytes);
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    long total = 0;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String source = file + "[" + entry.getName() + "]";
        if (!entry.getName().endsWith(SUFFIX)) {
          throw new ModelFormatException(source + ": not an .npy entry; an .npz file holds only .npy arrays");
        }
        String name = entry.getName().substring(0, entry.getName().length() - SUFFIX.length());
        try (InputStream in = zip.getInputStream(entry)) {
          // The entry's size in the zip directory is not trusted: the reader grows its buffer as data arrives.
          NpyArray array = NpyFile.read(in, source, -1, maxBytes - total);
          total += (long) array.size() * array.dtype().itemSize();
          if (arrays.put(name, array) != null) {
            throw new ModelFormatException(source + ": the archive holds two entries of this name");
          }
        }
      }
    } catch (ZipException | EOFException e) {
      // EOFException: a compressed entry ends before its data does.
      throw new ModelFormatException(file + ": not a readable .npz (zip) archive: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // java.util.zip reports an entry name that is not valid UTF-8 with this unchecked exception.
      throw new ModelFormatException(file + ": corrupt .npz (zip) archive: " + e.getMessage(), e);
    }
    return ImmutableMap.copyOf(arrays);
  }

  /** Writes {@code arrays} uncompressed, as {@code np.savez(file, **arrays)}, atomically. */
  public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
    write(file, arrays, ZipEntry.STORED);
  }

  /** Writes {@code arrays} deflated, as {@code np.savez_compressed(file, **arrays)}, atomically. */
  public static void writeCompressed(Path file, Map<String, NpyArray> arrays) throws IOException {
    write(file, arrays, ZipEntry.DEFLATED);
  }

  private static void write(Path file, Map<String, NpyArray> arrays, int method) throws IOException {
    arrays.keySet().forEach(name -> checkArgument(!name.isEmpty(), "an array name is empty"));
    AtomicFiles.write(
        file,
        out -> {
          ZipOutputStream zip = new ZipOutputStream(out);
          for (Map.Entry<String, NpyArray> array : arrays.entrySet()) {
            ByteArrayOutputStream npy = new ByteArrayOutputStream();
            NpyFile.write(npy, array.getValue());
            byte[] bytes = npy.toByteArray();
            ZipEntry entry = new ZipEntry(array.getKey() + SUFFIX);
            entry.setTimeLocal(ENTRY_TIME);
            entry.setMethod(method);
            if (method == ZipEntry.STORED) {
              CRC32 crc = new CRC32();
              crc.update(bytes);
              entry.setSize(bytes.length);
              entry.setCompressedSize(bytes.length);
              entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            zip.write(bytes);
            zip.closeEntry();
          }
          // Finish, not close: AtomicFiles closes the underlying stream itself.
          zip.finish();
        });
  }
}
