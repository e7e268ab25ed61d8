package dev.finetoon;

import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.StyleGanModel;
import java.util.Map;

/**
 * A blend recipe, the Fine-Tooning way: which synthesis blocks come from the donor (toon) model, and by how much.
 * {@link #swap} is the notebook's {@code G.synthesis.b64 = G2.synthesis.b64}; {@link #interpolate} is Pinkney's
 * resolution-dependent interpolation, {@code θ = (1−α)·θ_base + α·θ_donor} per block. The mapping network and
 * {@code w_avg} stay the base's. {@link Toonifier} and {@link TripletFineTuner} take a recipe.
 *
 * <pre>{@code
 * LayerBlender toonify = LayerBlender.swap(64, 128, 256);
 * StyleGanModel blend = toonify.blend(ffhq, webtoon);
 * StyleGanModel softer = LayerBlender.interpolate(Map.of(64, 0.5, 128, 1.0, 256, 1.0)).blend(ffhq, webtoon);
 * }</pre>
 *
 * <p>Blends share the unchanged tensors of their sources (α of 0 or 1 copies nothing), so a backend can reuse what it
 * compiled for them. Recipes are immutable values and thread-safe.
 */
public interface LayerBlender {
  /** The base with the recipe's blocks taken from (or interpolated toward) the donor. */
  StyleGanModel blend(StyleGanModel base, StyleGanModel donor);

  /** α by block resolution, ascending (1 for a swapped block). */
  Map<Integer, Double> alphas();

  /**
   * This recipe with the next lower block of {@code config} swapped too: the triplet fine-tune's negative, e.g. 32,
   * 64, 128, 256 for 64, 128, 256.
   */
  LayerBlender withNextLowerBlock(GeneratorConfig config);

  /** Blocks at these resolutions taken whole from the donor. */
  static LayerBlender swap(int... resolutions) {
    return BlockBlend.swap(resolutions);
  }

  /** Each named block interpolated toward the donor by its α ∈ [0, 1]; blocks not named stay the base's. */
  static LayerBlender interpolate(Map<Integer, Double> alphaByResolution) {
    return BlockBlend.of(alphaByResolution);
  }

  /** The base with its blocks at these resolutions taken whole from the donor: {@code swap(r…).blend(base, donor)}. */
  static StyleGanModel swap(StyleGanModel base, StyleGanModel donor, int... resolutions) {
    return swap(resolutions).blend(base, donor);
  }

  /**
   * {@code interpolate(alphas).blend(base, donor)}. Throws {@link IncompatibleModelsException} naming any mismatch and
   * {@link IllegalArgumentException} for a resolution the models lack or an α outside [0, 1].
   */
  static StyleGanModel interpolate(StyleGanModel base, StyleGanModel donor, Map<Integer, Double> alphas) {
    return interpolate(alphas).blend(base, donor);
  }
}
