package dev.finetoon.io.pickle;

import dev.finetoon.io.pickle.PythonPickler.Global;
import dev.finetoon.io.pickle.PythonPickler.Reduce;
import java.util.Map;

/** The values PyTorch pickles its containers and tensors as, for {@link PythonPickler}. */
final class TorchValues {
  static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
  private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");

  private TorchValues() {}

  /** {@code collections.OrderedDict()} then its items, as CPython pickles one. */
  static Reduce orderedDict(Map<?, ?> items) {
    return new Reduce(ORDERED_DICT, new Object[0], items, null);
  }

  /**
   * A contiguous tensor over the whole of {@code storage}, as {@code torch.Tensor.__reduce_ex__} writes it:
   * {@code _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}.
   */
  static Reduce contiguousTensor(Object storage, int[] shape) {
    Object[] size = new Object[shape.length];
    Object[] stride = new Object[shape.length];
    long step = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      size[d] = shape[d];
      stride[d] = step;
      step *= shape[d];
    }
    Object[] args = {storage, 0, size, stride, false, orderedDict(Map.of())};
    return new Reduce(REBUILD_TENSOR, args, null, null);
  }
}
