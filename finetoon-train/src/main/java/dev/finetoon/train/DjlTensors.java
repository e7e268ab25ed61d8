package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.finetoon.Tensor;
import java.util.Arrays;

/**
 * Copies between finetoon's {@link Tensor} and DJL's {@link NDArray}, both float32 in C order.
 *
 * <pre>{@code
 * NDArray z = DjlTensors.toNDArray(manager, NumpyRandomState.latents(List.of(0L), 512));
 * Tensor img = DjlTensors.toTensor(generator.synthesis(ws, Noise.CONST));
 * }</pre>
 */
public final class DjlTensors {
  private DjlTensors() {}

  /**
   * A new array on {@code manager} (and its device) holding a copy of {@code tensor} in memory PyTorch owns (see
   * {@link Scalars} for why an array that wraps a Java buffer is unsafe under autograd).
   */
  public static NDArray toNDArray(NDManager manager, Tensor tensor) {
    Shape shape = new Shape(Arrays.stream(tensor.shape()).asLongStream().toArray());
    try (NDArray borrowed = manager.create(tensor.buffer(), shape, DataType.FLOAT32)) {
      return borrowed.duplicate();
    }
  }

  /** A tensor holding a copy of a float32 array's values (brought to the host when needed). */
  public static Tensor toTensor(NDArray array) {
    checkArgument(array.getDataType() == DataType.FLOAT32, "expected a float32 array, got %s", array.getDataType());
    int[] shape = Arrays.stream(array.getShape().getShape()).mapToInt(Math::toIntExact).toArray();
    return Tensor.adopt(array.toFloatArray(), shape);
  }
}
