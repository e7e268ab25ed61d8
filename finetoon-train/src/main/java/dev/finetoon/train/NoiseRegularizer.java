package dev.finetoon.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * NVIDIA's projector penalty that keeps the optimised noise maps noise-like: for every buffer, at every scale down to
 * 8×8 (halving by 2×2 average pooling), the squared mean of its product with itself rolled by one pixel
 * along each axis.
 */
final class NoiseRegularizer {
  private NoiseRegularizer() {}

  /** The penalty of a set of {@code [R, R]} noise buffers (a scalar array). */
  static NDArray loss(Collection<NDArray> buffers) {
    NDArray total = null;
    for (NDArray buffer : buffers) {
      NDArray noise = buffer;
      while (true) {
        NDArray term = autocorrelation(noise, 1).square().add(autocorrelation(noise, 0).square());
        total = total == null ? term : total.add(term);
        long size = noise.getShape().get(0);
        if (size <= 8) {
          break;
        }
        noise = noise.reshape(size / 2, 2, size / 2, 2).mean(new int[] {3}).mean(new int[] {1});
      }
    }
    return total;
  }

  /** {@code mean(noise · roll(noise, 1, axis))}. */
  private static NDArray autocorrelation(NDArray noise, int axis) {
    long size = noise.getShape().get(axis);
    NDArray rolled =
        axis == 0
            ? noise.get("-1:, :").concat(noise.get(":{}, :", size - 1), 0)
            : noise.get(":, -1:").concat(noise.get(":, :{}", size - 1), 1);
    return noise.mul(rolled).mean();
  }

  /** Re-centres and re-scales each buffer to mean 0, mean square 1, in place (no gradient). */
  static void normalize(Collection<NDArray> buffers) {
    for (NDArray buffer : buffers) {
      try (var scope = buffer.getManager().newSubManager()) {
        scope.tempAttachAll(buffer);
        buffer.subi(buffer.mean());
        buffer.muli(buffer.square().mean().pow(Scalars.of(buffer, -0.5)));
      }
    }
  }
}
