package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Joiner;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import dev.finetoon.model.SynthesisConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@link LayerBlender} recipe: α per block resolution. */
record BlockBlend(Map<Integer, Double> alphas) implements LayerBlender {
  BlockBlend {
    checkArgument(!alphas.isEmpty(), "name at least one block resolution to blend");
    alphas.forEach((r, alpha) -> checkArgument(alpha >= 0 && alpha <= 1,
        "alpha for block %s must be in [0, 1], got %s", r, alpha));
    alphas = ImmutableMap.copyOf(new TreeMap<>(alphas));
  }

  static BlockBlend swap(int... resolutions) {
    Map<Integer, Double> alphas = new LinkedHashMap<>();
    for (int r : resolutions) {
      checkArgument(alphas.put(r, 1.0) == null, "block %s is listed twice", r);
    }
    return new BlockBlend(alphas);
  }

  static BlockBlend of(Map<Integer, Double> alphas) {
    return new BlockBlend(alphas);
  }

  @Override
  public LayerBlender withNextLowerBlock(GeneratorConfig config) {
    List<Integer> all = config.blockResolutions();
    int lowest = alphas.keySet().iterator().next();
    int index = all.indexOf(lowest);
    checkArgument(index >= 0, "no synthesis block at resolution %s; this model has %s", lowest, all);
    checkArgument(index > 0,
        "block %s is the lowest: there is no lower block to add to the negative; name the negative's blocks", lowest);
    Map<Integer, Double> more = new TreeMap<>(alphas);
    more.put(all.get(index - 1), 1.0);
    return new BlockBlend(more);
  }

  @Override
  public StyleGanModel blend(StyleGanModel base, StyleGanModel donor) {
    checkCompatible(base.config(), donor.config());
    Map<String, Tensor> replaced = new LinkedHashMap<>();
    for (Map.Entry<Integer, Double> e : alphas.entrySet()) {
      double alpha = e.getValue();
      SynthesisBlock block = base.plan().block(e.getKey());
      checkBlock(donor, block);
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
    provenance.put("blend.alpha", Joiner.on(',').withKeyValueSeparator('=').join(alphas));
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

  private static void checkBlock(StyleGanModel donor, SynthesisBlock block) {
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
