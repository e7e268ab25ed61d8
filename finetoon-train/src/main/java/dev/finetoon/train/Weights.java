package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.Tensor;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.StyleGanModel;
import java.util.Map;

/**
 * A generator's parameters and buffers as arrays under their PyTorch names, in {@code state_dict} order, owned by one
 * manager. NVIDIA's parameters require gradients from the start; its buffers ({@code w_avg}, {@code noise_const},
 * {@code resample_filter}) only when asked.
 */
final class Weights {
  private final ImmutableMap<String, NDArray> arrays;

  private Weights(ImmutableMap<String, NDArray> arrays) {
    this.arrays = arrays;
  }

  /** Copies every tensor of {@code model} onto {@code manager}. */
  static Weights of(StyleGanModel model, NDManager manager) {
    ImmutableMap.Builder<String, NDArray> arrays = ImmutableMap.builder();
    for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
      NDArray array = DjlTensors.toNDArray(manager, e.getValue());
      array.setName(e.getKey());
      array.setRequiresGradient(!isBuffer(e.getKey()));
      arrays.put(e.getKey(), array);
    }
    return new Weights(arrays.buildOrThrow());
  }

  /** Whether a tensor is one of NVIDIA's buffers rather than a {@code torch.nn.Parameter}. */
  static boolean isBuffer(String name) {
    return name.equals(LayerPlan.W_AVG) || name.endsWith(".noise_const") || name.endsWith(".resample_filter");
  }

  NDArray get(String name) {
    NDArray array = arrays.get(name);
    checkArgument(array != null, "this generator has no tensor %s", name);
    return array;
  }

  /** Every array, in {@code state_dict} order. */
  ImmutableMap<String, NDArray> all() {
    return arrays;
  }

  /** Lends every array to {@code scope} until it closes, so that results computed from them alone land there. */
  void lendTo(NDManager scope) {
    scope.tempAttachAll(arrays.values().toArray(NDArray[]::new));
  }

  /** A copy of every array, bit for bit. */
  Map<String, Tensor> toTensors() {
    ImmutableMap.Builder<String, Tensor> out = ImmutableMap.builder();
    arrays.forEach((name, array) -> out.put(name, DjlTensors.toTensor(array)));
    return out.buildOrThrow();
  }
}
