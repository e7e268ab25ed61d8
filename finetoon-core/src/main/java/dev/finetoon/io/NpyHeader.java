package dev.finetoon.io;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The header of an {@code .npy} file: magic, format version (1.0, 2.0 or 3.0), length, then a Python dict literal
 * naming the element type, the memory order (always C order here) and the shape.
 */
final class NpyHeader {
  /** The longest header text read; numpy's {@code np.load} refuses longer ones by default too. */
  static final int MAX_TEXT_BYTES = 10_000;
  /** The most data bytes one array may hold: about the largest Java array. */
  static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** numpy aligns the data to 64 bytes. */
  private static final int ALIGN = 64;
  /** numpy leaves room for a 21-digit first dimension so that the header can be rewritten in place. */
  private static final int GROWTH_DIGITS = 21;

  private final NpyDType dtype;
  private final int[] shape;

  private NpyHeader(NpyDType dtype, int[] shape) {
    this.dtype = dtype;
    this.shape = shape;
  }

  /** The header of an array held in memory. */
  static NpyHeader of(NpyArray array) {
    return new NpyHeader(array.dtype(), array.shape());
  }

  /**
   * A header from the dimensions a file states, if finetoon can hold such an array: each dimension and the element
   * count at most 2^31-1, the data at most {@link #MAX_DATA_BYTES}.
   */
  static NpyHeader checked(NpyDType dtype, long[] dims, String source) throws ModelFormatException {
    long elements = 1;
    for (long d : dims) {
      if (d > Integer.MAX_VALUE) {
        throw tooLarge(dtype, dims, source);
      }
      elements *= d; // at most (2^31 - 1)^2: no overflow
      if (elements > Integer.MAX_VALUE || elements * dtype.itemSize() > MAX_DATA_BYTES) {
        throw tooLarge(dtype, dims, source);
      }
    }
    return new NpyHeader(dtype, Arrays.stream(dims).mapToInt(Math::toIntExact).toArray());
  }

  /** Reads and parses the header at the start of an {@code .npy} stream, leaving the stream at the data. */
  static NpyHeader read(InputStream in, String source) throws IOException {
    byte[] prefix = readExactly(in, MAGIC.length + 2, source, "magic and version");
    if (!Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ModelFormatException(source + ": not an .npy file (it does not start with \\x93NUMPY)");
    }
    int major = prefix[MAGIC.length];
    int minor = prefix[MAGIC.length + 1];
    if (major < 1 || major > 3 || minor != 0) {
      throw new ModelFormatException(source + ": unsupported .npy format version " + major + "." + minor);
    }
    ByteBuffer size = ByteBuffer.wrap(readExactly(in, major == 1 ? 2 : 4, source, "header length"));
    size.order(ByteOrder.LITTLE_ENDIAN);
    long textBytes = major == 1 ? Short.toUnsignedInt(size.getShort()) : Integer.toUnsignedLong(size.getInt());
    if (textBytes > MAX_TEXT_BYTES) {
      throw new ModelFormatException(
          source + ": .npy header of " + textBytes + " bytes is longer than the " + MAX_TEXT_BYTES + " allowed");
    }
    // Versions 1 and 2 are Latin-1, version 3 UTF-8; the parser accepts ASCII only, so Latin-1 serves all three.
    String text = new String(readExactly(in, (int) textBytes, source, "header"), StandardCharsets.ISO_8859_1);
    return NpyHeaderParser.parse(text, source);
  }

  NpyDType dtype() {
    return dtype;
  }

  int[] shape() {
    return shape.clone();
  }

  /** The bytes of data that follow the header. */
  int dataBytes() {
    return Tensor.checkedSize(shape) * dtype.itemSize();
  }

  /** The header as numpy writes it: format 1.0 where the text fits, else 2.0, padded so that the data is aligned. */
  byte[] encode() {
    StringJoiner dims = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
    Arrays.stream(shape).forEach(d -> dims.add(Integer.toString(d)));
    String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + dims + ", }";
    if (shape.length > 0) {
      dict += " ".repeat(GROWTH_DIGITS - Integer.toString(shape[0]).length());
    }
    int major = paddedTextBytes(dict, 2) <= 0xFFFF ? 1 : 2;
    int sizeBytes = major == 1 ? 2 : 4;
    int textBytes = paddedTextBytes(dict, sizeBytes);
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + sizeBytes + textBytes).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      out.putShort((short) textBytes);
    } else {
      out.putInt(textBytes);
    }
    String padded = dict + " ".repeat(textBytes - dict.length() - 1) + "\n";
    out.put(padded.getBytes(StandardCharsets.US_ASCII));
    return out.array();
  }

  /** The text length with the newline and the spaces that align the data, after a length field of this size. */
  private static int paddedTextBytes(String dict, int sizeBytes) {
    int unpadded = MAGIC.length + 2 + sizeBytes + dict.length() + 1;
    return dict.length() + 1 + ALIGN - unpadded % ALIGN;
  }

  private static ModelFormatException tooLarge(NpyDType dtype, long[] dims, String source) {
    return new ModelFormatException(
        source + ": shape " + Arrays.toString(dims) + " of " + dtype.descr() + " is too large: finetoon holds at most "
            + Integer.MAX_VALUE + " elements and " + MAX_DATA_BYTES + " bytes in one array");
  }

  private static byte[] readExactly(InputStream in, int n, String source, String what) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new ModelFormatException(source + ": truncated .npy file: it ends inside the " + what);
    }
    return bytes;
  }
}
