package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An immutable float32 tensor in C (row-major) order: the unit of data everywhere in finetoon.
 *
 * <pre>{@code
 * Tensor z = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * float v = z.get(1, 2); // 6
 * }</pre>
 *
 * <p>Thread-safe: instances never change after construction.
 */
public final class Tensor {
  private final int[] shape;
  private final float[] data;

  private Tensor(float[] data, int[] shape) {
    this.shape = shape;
    this.data = data;
  }

  /** A tensor over a copy of {@code data} with the given shape; the sizes must multiply to {@code data.length}. */
  public static Tensor of(float[] data, int... shape) {
    return adopt(data.clone(), shape.clone());
  }

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    return adopt(new float[checkedSize(shape)], shape.clone());
  }

  /**
   * A tensor that takes ownership of {@code data} without copying it, for readers and backends that fill a fresh
   * array: the caller must not touch the array afterwards.
   */
  public static Tensor adopt(float[] data, int... shape) {
    checkArgument(
        checkedSize(shape) == data.length,
        "shape %s holds %s values, data has %s",
        Arrays.toString(shape),
        checkedSize(shape),
        data.length);
    return new Tensor(data, shape);
  }

  /** A tensor read from little-endian float32 bytes. */
  public static Tensor fromLittleEndian(ByteBuffer bytes, int... shape) {
    float[] values = new float[checkedSize(shape)];
    bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return new Tensor(values, shape.clone());
  }

  /** The number of elements a shape holds; throws for negative sizes or more than 2^31-1 elements. */
  public static int checkedSize(int... shape) {
    long size = 1;
    for (int d : shape) {
      checkArgument(d >= 0, "negative dimension in shape %s", Arrays.toString(shape));
      size *= d;
      checkArgument(size <= Integer.MAX_VALUE, "shape %s is too large", Arrays.toString(shape));
    }
    return (int) size;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** The size of dimension {@code axis}; negative axes count from the end. */
  public int dim(int axis) {
    return shape[axis < 0 ? shape.length + axis : axis];
  }

  public int rank() {
    return shape.length;
  }

  public int size() {
    return data.length;
  }

  /** A copy of the values in C order. */
  public float[] toArray() {
    return data.clone();
  }

  /** A read-only view of the values in C order (no copy). */
  public FloatBuffer buffer() {
    return FloatBuffer.wrap(data).asReadOnlyBuffer();
  }

  /** The values as little-endian float32 bytes. */
  public byte[] toLittleEndianBytes() {
    ByteBuffer out = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.asFloatBuffer().put(data);
    return out.array();
  }

  /** The value at a full index. */
  public float get(int... index) {
    checkArgument(index.length == shape.length, "index rank %s for a tensor of rank %s", index.length, shape.length);
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      checkArgument(index[i] >= 0 && index[i] < shape[i], "index %s out of range for %s", Arrays.toString(index), this);
      flat = flat * shape[i] + index[i];
    }
    return data[flat];
  }

  /** The same values under another shape of the same size. */
  public Tensor reshape(int... newShape) {
    return adopt(data, newShape.clone());
  }

  /** Rows {@code [from, to)} of the first dimension. */
  public Tensor slice(int from, int to) {
    checkArgument(rank() > 0 && 0 <= from && from <= to && to <= shape[0], "slice [%s, %s) of %s", from, to, this);
    int stride = shape[0] == 0 ? 0 : data.length / shape[0];
    int[] newShape = shape.clone();
    newShape[0] = to - from;
    return new Tensor(Arrays.copyOfRange(data, from * stride, to * stride), newShape);
  }

  /** Tensors of equal trailing shape joined along the first dimension. */
  public static Tensor concat(Tensor... parts) {
    checkArgument(parts.length > 0, "nothing to concatenate");
    int[] tail = Arrays.copyOfRange(parts[0].shape, 1, parts[0].rank());
    int rows = 0;
    int total = 0;
    for (Tensor part : parts) {
      checkArgument(
          Arrays.equals(tail, Arrays.copyOfRange(part.shape, 1, part.rank())),
          "cannot concatenate %s and %s",
          parts[0],
          part);
      rows += part.shape[0];
      total += part.data.length;
    }
    float[] joined = new float[total];
    int at = 0;
    for (Tensor part : parts) {
      System.arraycopy(part.data, 0, joined, at, part.data.length);
      at += part.data.length;
    }
    int[] newShape = parts[0].shape.clone();
    newShape[0] = rows;
    return new Tensor(joined, newShape);
  }

  /** The largest absolute element-wise difference to a tensor of the same shape. */
  public float maxAbsDifference(Tensor other) {
    checkArgument(Arrays.equals(shape, other.shape), "shapes differ: %s vs %s", this, other);
    float max = 0;
    for (int i = 0; i < data.length; i++) {
      max = Math.max(max, Math.abs(data[i] - other.data[i]));
    }
    return max;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
