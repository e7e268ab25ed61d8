package dev.finetoon.onnx;

import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Random generators with the reference's tiny architecture (32 px, channels 64/64/32/16), for tests that need no
 * reference data.
 */
final class TinyModels {
  private TinyModels() {}

  /** The tiny configuration with other channel settings and clamp. */
  static GeneratorConfig config(int channelBase, int channelMax, OptionalDouble convClamp) {
    return GeneratorConfig.builder(32, 32, 32)
        .mapping(MappingConfig.defaults(32, 0).withNumLayers(2))
        .synthesis(
            new SynthesisConfig(channelBase, channelMax, 2, convClamp, "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  /** The reference's tiny configuration. */
  static GeneratorConfig config() {
    return config(512, 64, OptionalDouble.of(256));
  }

  static StyleGanModel model(long seed) {
    return RandomModels.create(config(), seed);
  }
}
