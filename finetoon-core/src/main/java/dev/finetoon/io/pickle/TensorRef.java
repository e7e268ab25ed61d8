package dev.finetoon.io.pickle;

import com.google.common.math.LongMath;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view of a storage. Values are gathered
 * into a float32 {@link Tensor} only when the generator needs them, after checking the view lies inside the storage.
 */
record TensorRef(TorchStorage storage, long offset, int[] size, long[] stride) implements StoredTensor {

  @Override
  public int[] shape() {
    return size.clone();
  }

  @Override
  public Tensor read(String name) throws ModelFormatException {
    return toTensor(name);
  }

  /** Receives each element of a view: its index in C order and its index in the storage. */
  @FunctionalInterface
  interface ElementVisitor {
    void visit(int element, int storageIndex);
  }

  /**
   * The number of elements of the view, after checking that sizes and strides are not negative, that it holds at
   * most 2^31-1 elements and that it lies inside its storage.
   */
  int elementCount(String name) throws ModelFormatException {
    long count = 1;
    long last = offset;
    for (int d = 0; d < size.length; d++) {
      if (size[d] < 0 || stride[d] < 0) {
        throw new ModelFormatException("tensor " + name + " has a negative size or stride " + this);
      }
      count *= size[d];
      if (count > Integer.MAX_VALUE) {
        throw new ModelFormatException("tensor " + name + " is too large: " + this);
      }
      if (size[d] > 0) {
        // Saturating: a hostile stride must not wrap around to an index inside the storage.
        last = LongMath.saturatedAdd(last, LongMath.saturatedMultiply(size[d] - 1L, stride[d]));
      }
    }
    if (offset < 0 || (count > 0 && last >= storage.numel())) {
      throw new ModelFormatException(
          "tensor " + name + " " + this + " reaches element " + last + " of a storage of " + storage.numel());
    }
    return (int) count;
  }

  Tensor toTensor(String name) throws ModelFormatException {
    float[] values = new float[elementCount(name)];
    if (values.length == 0) {
      return Tensor.adopt(values, size.clone()); // PyTorch accepts an empty view at any offset: it reads nothing
    }
    if (isContiguous() && storage.type() == StorageType.FLOAT) {
      storage.data().asFloatBuffer().get((int) offset, values);
    } else {
      forEachElement(values.length, (i, at) -> values[i] = storage.type().read(storage.data(), at));
    }
    return Tensor.adopt(values, size.clone());
  }

  /** Visits the {@code count} elements of a view checked by {@link #elementCount}, in C order. */
  void forEachElement(int count, ElementVisitor visitor) {
    int[] index = new int[size.length];
    for (int i = 0; i < count; i++) {
      long at = offset;
      for (int d = 0; d < size.length; d++) {
        at += index[d] * stride[d];
      }
      visitor.visit(i, (int) at);
      for (int d = size.length - 1; d >= 0 && ++index[d] == size[d]; d--) {
        index[d] = 0;
      }
    }
  }

  private boolean isContiguous() {
    long expected = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      if (size[d] != 1 && stride[d] != expected) {
        return false;
      }
      expected *= size[d];
    }
    return true;
  }

  @Override
  public String toString() {
    return "[size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride) + ", offset " + offset + "]";
  }
}
