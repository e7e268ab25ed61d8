package dev.finetoon.train;

import ai.djl.ndarray.NDArray;
import dev.finetoon.FaceEncoder;
import dev.finetoon.Tensor;

/**
 * A {@link FaceEncoder} that gradients flow through, so a loss on embeddings trains the generator that drew the faces.
 * Its own weights are never trained.
 */
public interface DifferentiableFaceEncoder extends FaceEncoder {
  /** Embeddings of images {@code [N, 3, H, W]} in [-1, 1]; differentiable with respect to the images. */
  NDArray embed(NDArray images);

  @Override
  default Tensor embed(Tensor images) {
    try (var manager = ai.djl.ndarray.NDManager.newBaseManager()) {
      return DjlTensors.toTensor(embed(DjlTensors.toNDArray(manager, images)));
    }
  }
}
