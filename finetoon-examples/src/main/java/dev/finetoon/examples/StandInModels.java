package dev.finetoon.examples;

import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Two small generators with deterministic random weights that stand in for a face model ("human") and its cartoon
 * fine-tune ("toon") when no trained models are at hand: same architecture, different weights, so everything that
 * blending does can be run and seen. Their images are textures, not faces.
 */
public final class StandInModels {
  /** Seeds of {@link RandomModels#create} for the two stand-ins. */
  public static final long HUMAN_SEED = 1;

  public static final long TOON_SEED = 2;

  private StandInModels() {}

  /** z = w = 128, 4 mapping layers, channel_base 4096, channel_max 128, conv_clamp 256, at this resolution. */
  public static GeneratorConfig config(int resolution) {
    return GeneratorConfig.builder(128, 128, resolution)
        .mapping(MappingConfig.defaults(128, 0).withNumLayers(4))
        .synthesis(
            new SynthesisConfig(
                4096, 128, 0, OptionalDouble.of(256), SynthesisConfig.SKIP, List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  /** The stand-in for a trained face generator. */
  public static StyleGanModel human(int resolution) {
    return RandomModels.create(config(resolution), HUMAN_SEED);
  }

  /** The stand-in for its cartoon fine-tune. */
  public static StyleGanModel toon(int resolution) {
    return RandomModels.create(config(resolution), TOON_SEED);
  }
}
