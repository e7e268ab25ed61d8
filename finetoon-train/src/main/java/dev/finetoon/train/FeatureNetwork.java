package dev.finetoon.train;

import ai.djl.ndarray.NDArray;

/**
 * The perceptual features the projector compares: images {@code [N, 3, H, W]} in [0, 255] to features whose squared
 * L2 difference is the distance. {@link LpipsFeatures} is NVIDIA's; any differentiable network fits.
 */
public interface FeatureNetwork extends AutoCloseable {
  /** Features of images in [0, 255]; differentiable with respect to the images. */
  NDArray features(NDArray images);

  @Override
  void close();
}
