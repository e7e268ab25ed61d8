package dev.finetoon.model;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The mapping network's settings, NVIDIA's {@code mapping_kwargs} with their defaults filled in.
 *
 * @param numLayers fully connected layers ({@code fc0..}); NVIDIA's default 8
 * @param embedFeatures width of the label embedding (w_dim by default; 0 for unconditional models)
 * @param layerFeatures width of the hidden layers (w_dim by default)
 * @param lrMultiplier the learning-rate multiplier folded into the run-time gains (default 0.01)
 * @param wAvgBeta decay of the tracked {@code w_avg} in training mode (default 0.995)
 */
public record MappingConfig(int numLayers, int embedFeatures, int layerFeatures, double lrMultiplier, double wAvgBeta) {
  public MappingConfig {
    checkArgument(numLayers >= 1, "mapping num_layers must be at least 1, got %s", numLayers);
    checkArgument(embedFeatures >= 0 && layerFeatures >= 1, "bad mapping widths %s/%s", embedFeatures, layerFeatures);
    checkArgument(lrMultiplier > 0, "mapping lr_multiplier must be positive, got %s", lrMultiplier);
  }

  /** NVIDIA's defaults for a network with this w_dim and c_dim. */
  public static MappingConfig defaults(int wDim, int cDim) {
    return new MappingConfig(8, cDim == 0 ? 0 : wDim, wDim, 0.01, 0.995);
  }

  public MappingConfig withNumLayers(int layers) {
    return new MappingConfig(layers, embedFeatures, layerFeatures, lrMultiplier, wAvgBeta);
  }
}
