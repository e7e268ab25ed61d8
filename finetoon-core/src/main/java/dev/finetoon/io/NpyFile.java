package dev.finetoon.io;

import com.google.common.io.CountingInputStream;
import dev.finetoon.ModelFormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and writes numpy {@code .npy} files: format versions 1.0 to 3.0, C order, the types of {@link NpyDType}.
 * Reading checks everything: a truncated, corrupt or unsupported file gives a {@link ModelFormatException} naming the
 * problem, and a header cannot make the reader allocate more than the file holds.
 *
 * <pre>{@code
 * Tensor z = NpyFile.read(Path.of("z.npy")).toTensor();
 * NpyFile.write(Path.of("img.npy"), NpyArray.ofUint8(rgb, 256, 256, 3));
 * }</pre>
 */
public final class NpyFile {
  /** Data of unknown length is read in chunks of at most this size first, growing only as bytes actually arrive. */
  private static final int FIRST_CHUNK = 1 << 20;

  private NpyFile() {}

  /** The array in {@code file}. */
  public static NpyArray read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in, file.toString(), Files.size(file));
    }
  }

  /** Writes {@code array} to {@code file} atomically (temporary file, then a move). */
  public static void write(Path file, NpyArray array) throws IOException {
    AtomicFiles.write(file, out -> write(out, array));
  }

  /**
   * Reads one array from {@code in}, which must end right after it.
   *
   * @param length the stream's length where it is known for sure (a file's size), else -1
   */
  static NpyArray read(InputStream in, String source, long length) throws IOException {
    return read(in, source, length, Long.MAX_VALUE);
  }

  /** Like {@link #read(InputStream, String, long)}, refusing a header that announces more than {@code maxBytes}. */
  static NpyArray read(InputStream in, String source, long length, long maxBytes) throws IOException {
    CountingInputStream counting = new CountingInputStream(in);
    NpyHeader header = NpyHeader.read(counting, source);
    int dataBytes = header.dataBytes();
    if (dataBytes > maxBytes) {
      throw new ModelFormatException(source + ": the header announces " + dataBytes + " bytes of data, more than the "
          + maxBytes + " left of the budget for decompressed data");
    }
    if (length >= 0) {
      long available = length - counting.getCount();
      if (available != dataBytes) {
        throw new ModelFormatException(
            source + ": the header announces " + dataBytes + " bytes of data but " + available + " follow"
                + (available < dataBytes ? " (truncated file)" : ""));
      }
    }
    byte[] data = readData(counting, dataBytes, length >= 0 ? dataBytes : Math.min(dataBytes, FIRST_CHUNK), source);
    if (counting.read() != -1) {
      throw new ModelFormatException(source + ": unexpected bytes after the array data");
    }
    return NpyArray.wrap(header.dtype(), data, header.shape());
  }

  /** Writes {@code array} as an {@code .npy} stream, byte for byte as numpy's {@code np.save} does. */
  static void write(OutputStream out, NpyArray array) throws IOException {
    out.write(NpyHeader.of(array).encode());
    out.write(array.toLittleEndianBytes());
  }

  /**
   * Writes the header of a C-order array of {@code shape}, for a caller that then writes its data itself, e.g. batch
   * by batch; throws {@link ModelFormatException} for arrays numpy files from finetoon cannot hold (over 2^31-1
   * elements or 2 GiB).
   */
  public static void writeHeader(OutputStream out, NpyDType dtype, int... shape) throws IOException {
    out.write(NpyHeader.checked(dtype, java.util.Arrays.stream(shape).asLongStream().toArray(), "the array").encode());
  }

  /** Reads exactly {@code n} bytes, allocating {@code firstChunk} and doubling only while data keeps coming. */
  private static byte[] readData(InputStream in, int n, int firstChunk, String source) throws IOException {
    byte[] data = new byte[firstChunk];
    int filled = 0;
    while (true) {
      filled += in.readNBytes(data, filled, data.length - filled);
      if (filled < data.length) {
        throw new ModelFormatException(
            source + ": truncated .npy file: the header announces " + n + " bytes of data, only " + filled + " follow");
      }
      if (filled == n) {
        return data;
      }
      data = Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
    }
  }
}
