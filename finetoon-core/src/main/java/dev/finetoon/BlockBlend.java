package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Joiner;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import dev.finetoon.model.SynthesisConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Blends two generators block by block, the Fine-Tooning way: {@link #swap} is the notebook's
 * {@code G.synthesis.b64 = G2.synthesis.b64}; {@link #interpolate} is Pinkney's resolution-dependent interpolation,
 * {@code θ = (1−α)·θ_base + α·θ_donor} per block. The mapping network and {@code w_avg} stay the base's.
 *
 * <pre>{@code
 * StyleGanModel toonified = LayerBlender.swap(ffhq, webtoon, 64, 128, 256);
 * StyleGanModel softer = LayerBlender.interpolate(ffhq, webtoon, Map.of(64, 0.5, 128, 1.0, 256, 1.0));
 * }</pre>
 *
 * <p>Blends share the unchanged tensors of their sources (α of 0 or 1 copies nothing), so a backend can reuse what it
 * compiled for them. Stateless and thread-safe.
 */
public final class LayerBlender {
  private LayerBlender() {}

  /** The base with its synthesis blocks at these resolutions taken whole from the donor. */
  public static StyleGanModel swap(StyleGanModel base, StyleGanModel donor, int... resolutions) {
    checkArgument(resolutions.length > 0, "name at least one block resolution to swap");
    Map<Integer, Double> alphas = new LinkedHashMap<>();
    for (int r : resolutions) {
      alphas.put(r, 1.0);
    }
    return interpolate(base, donor, alphas);
  }

  /**
   * The base with each named block interpolated toward the donor by its α ∈ [0, 1]; blocks not named stay the base's.
   * Throws {@link IncompatibleModelsException} naming any mismatch and {@link IllegalArgumentException} for a
   * resolution the models lack or an α outside [0, 1].
   */
  public static StyleGanModel interpolate(StyleGanModel base, StyleGanModel donor, Map<Integer, Double> alphas) {
    checkCompatible(base.config(), donor.config());
    Map<Integer, Double> sorted = new TreeMap<>(alphas);
    Map<String, Tensor> replaced = new LinkedHashMap<>();
    for (Map.Entry<Integer, Double> e : sorted.entrySet()) {
      int r = e.getKey();
      double alpha = e.getValue();
      checkArgument(alpha >= 0 && alpha <= 1, "alpha for block %s must be in [0, 1], got %s", (Integer) r, (Double) alpha);
      SynthesisBlock block = base.plan().block(r);
      checkBlock(base, donor, block);
      if (alpha == 0) {
        continue;
      }
      String prefix = block.name() + ".";
      base.tensors().forEach((name, t) -> {
        if (name.startsWith(prefix)) {
          Tensor d = donor.tensor(name);
          replaced.put(name, alpha == 1 ? d : lerp(t, d, (float) alpha));
        }
      });
    }
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("source", "blend");
    provenance.put("format", "finetoon-blend");
    provenance.put("blend.base", base.provenance().getOrDefault("source", "in memory"));
    provenance.put("blend.donor", donor.provenance().getOrDefault("source", "in memory"));
    provenance.put("blend.alpha", Joiner.on(',').withKeyValueSeparator('=').join(sorted));
    return base.withTensors(replaced, ImmutableMap.copyOf(provenance));
  }

  private static void checkCompatible(GeneratorConfig base, GeneratorConfig donor) {
    mismatch("w_dim", base.wDim(), donor.wDim());
    mismatch("img_resolution", base.imgResolution(), donor.imgResolution());
    mismatch("img_channels", base.imgChannels(), donor.imgChannels());
    SynthesisConfig b = base.synthesis();
    SynthesisConfig d = donor.synthesis();
    mismatch("architecture", b.architecture(), d.architecture());
    mismatch("conv_clamp", b.convClamp(), d.convClamp());
    mismatch("use_noise", b.useNoise(), d.useNoise());
    mismatch("resample_filter", b.resampleFilter(), d.resampleFilter());
  }

  private static void checkBlock(StyleGanModel base, StyleGanModel donor, SynthesisBlock block) {
    SynthesisBlock other = donor.plan().block(block.resolution());
    mismatch(block.name() + " input channels", block.inChannels(), other.inChannels());
    mismatch(block.name() + " channels", block.outChannels(), other.outChannels());
  }

  private static void mismatch(String what, Object base, Object donor) {
    if (!base.equals(donor)) {
      throw new IncompatibleModelsException(
          "cannot blend: " + what + " differs (base " + base + ", donor " + donor + ")");
    }
  }

  private static Tensor lerp(Tensor base, Tensor donor, float alpha) {
    float[] a = base.toArray();
    float[] b = donor.toArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = a[i] + alpha * (b[i] - a[i]);
    }
    return Tensor.adopt(a, base.shape());
  }
}
