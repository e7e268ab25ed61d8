package dev.finetoon.io;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable numpy array as an {@code .npy} file holds it: an element type, a shape and the values as
 * little-endian bytes in C order.
 *
 * <pre>{@code
 * NpyArray w = NpyArray.of(tensor);              // float32
 * NpyArray img = NpyArray.ofUint8(rgb, 32, 32, 3);
 * Tensor t = NpyFile.read(path).toTensor();      // any dtype, as float32
 * }</pre>
 */
public final class NpyArray {
  private final NpyDType dtype;
  private final int[] shape;
  private final byte[] data;

  private NpyArray(NpyDType dtype, byte[] data, int[] shape) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /** A float32 array with the tensor's shape and values. */
  public static NpyArray of(Tensor tensor) {
    return new NpyArray(NpyDType.FLOAT32, tensor.toLittleEndianBytes(), tensor.shape());
  }

  /** A uint8 array over a copy of {@code values} (each byte read as 0..255). */
  public static NpyArray ofUint8(byte[] values, int... shape) {
    return of(NpyDType.UINT8, values, shape);
  }

  /** An array over a copy of {@code littleEndian}, which must hold exactly the shape's elements of {@code dtype}. */
  public static NpyArray of(NpyDType dtype, byte[] littleEndian, int... shape) {
    return wrap(dtype, littleEndian.clone(), shape.clone());
  }

  /** An array that takes ownership of {@code data} and {@code shape} (no copy). */
  static NpyArray wrap(NpyDType dtype, byte[] data, int[] shape) {
    long expected = (long) Tensor.checkedSize(shape) * dtype.itemSize();
    checkArgument(
        data.length == expected,
        "%s%s needs %s bytes, got %s",
        dtype.descr(),
        Arrays.toString(shape),
        expected,
        data.length);
    return new NpyArray(dtype, data, shape);
  }

  public NpyDType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of elements. */
  public int size() {
    return data.length / dtype.itemSize();
  }

  /** A copy of the values as little-endian bytes in C order; for {@link NpyDType#UINT8} these are the values. */
  public byte[] toLittleEndianBytes() {
    return data.clone();
  }

  /**
   * The values as a float32 tensor, each rounded to the nearest float as numpy's {@code astype(np.float32)} and
   * torch's {@code .float()} round them; booleans become 0 and 1.
   */
  public Tensor toTensor() {
    float[] values = new float[size()];
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (dtype) {
        case FLOAT32 -> in.getFloat();
        case FLOAT64 -> (float) in.getDouble();
        case INT32 -> in.getInt();
        case INT64 -> in.getLong();
        case UINT8 -> Byte.toUnsignedInt(in.get());
        case BOOL -> in.get() != 0 ? 1 : 0;
      };
    }
    return Tensor.of(values, shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray a && dtype == a.dtype && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data);
  }

  @Override
  public int hashCode() {
    return (31 * dtype.hashCode() + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NpyArray" + dtype.descr() + Arrays.toString(shape);
  }
}
