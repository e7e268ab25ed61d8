package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.SynthesisConfig;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What sets the NVlabs/stylegan3 repository's pickles apart from stylegan2-ada-pytorch's, whose container, class names
 * and parameter names they share: its {@code training.networks_stylegan2.Generator} takes its synthesis kwargs flat
 * and defaults {@code conv_clamp} to 256 where ADA has none, so the clamp is taken from the layers' own state; and its
 * {@code training.networks_stylegan3.Generator} (alias-free, configs T and R) is a different network, refused.
 */
final class StyleGan3RepoGenerators {
  /** Layers whose {@code conv_clamp} attribute is the one they run with. */
  private static final Set<String> CLAMPED_LAYERS = Set.of("SynthesisLayer", "ToRGBLayer");

  private StyleGan3RepoGenerators() {}

  /** True for a generator defined by the stylegan3 repository's {@code networks_stylegan2.py}. */
  static boolean isStyleGan3Repository(PersistentModule generator) {
    return generator.moduleSource().contains("fused_modconv_default")
        || generator.state().get("_init_kwargs") instanceof Map<?, ?> kw && kw.containsKey("fused_modconv_default");
  }

  /** Throws for a {@code networks_stylegan3} generator, naming what gave it away. */
  static void refuseStyleGan3(PersistentModule generator, String role) throws ModelFormatException {
    String signal = null;
    if (generator.state().get("_init_kwargs") instanceof Map<?, ?> kw && kw.containsKey("magnitude_ema_beta")) {
      signal = "its init_kwargs has magnitude_ema_beta";
    }
    if (modules(generator).get("synthesis") instanceof PersistentModule synthesis) {
      Map<?, ?> layers = modules(synthesis);
      boolean alias =
          layers.get("input") instanceof PersistentModule input && input.className().equals("SynthesisInput");
      if (alias || layers.keySet().stream().anyMatch(k -> String.valueOf(k).matches("L\\d+_\\d+_\\d+"))) {
        signal = "its synthesis network has layers " + PickleText.shorten(String.valueOf(layers.keySet()));
      }
    }
    if (signal != null) {
      throw new ModelFormatException("StyleGAN3 (alias-free) generators are not supported; this file's " + role
          + " is training.networks_stylegan3.Generator (" + signal + ")");
    }
  }

  /**
   * The configuration with the {@code conv_clamp} every synthesis layer and ToRGB layer carries in its state (they
   * must agree); unchanged when no layer records one. Call after the modules were checked to form a tree.
   */
  static GeneratorConfig withLayerClamp(PersistentModule generator, GeneratorConfig config)
      throws ModelFormatException {
    Set<OptionalDouble> clamps = new LinkedHashSet<>();
    Deque<PersistentModule> pending = new ArrayDeque<>(List.of(generator));
    Set<PersistentModule> seen = Collections.newSetFromMap(new IdentityHashMap<>()); // hostile files share and loop
    while (!pending.isEmpty()) {
      PersistentModule module = pending.pop();
      if (!seen.add(module)) {
        continue;
      }
      if (CLAMPED_LAYERS.contains(module.className()) && module.state().containsKey("conv_clamp")) {
        Object clamp = module.state().get("conv_clamp");
        if (clamp != null && !(clamp instanceof Number)) {
          throw new ModelFormatException(module.className() + ".conv_clamp is " + GeneratorKwargs.describe(clamp));
        }
        clamps.add(clamp == null ? OptionalDouble.empty() : OptionalDouble.of(((Number) clamp).doubleValue()));
      }
      for (Object child : modules(module).values()) {
        if (child instanceof PersistentModule m) {
          pending.push(m);
        }
      }
    }
    if (clamps.size() > 1) {
      throw new ModelFormatException("the synthesis layers use different conv_clamp values " + clamps
          + "; finetoon supports one per generator");
    }
    if (clamps.isEmpty() || clamps.contains(config.synthesis().convClamp())) {
      return config;
    }
    SynthesisConfig s = config.synthesis();
    SynthesisConfig clamped = new SynthesisConfig(s.channelBase(), s.channelMax(), s.numFp16Res(),
        clamps.iterator().next(), s.architecture(), s.resampleFilter(), s.useNoise());
    return new GeneratorConfig(config.zDim(), config.cDim(), config.wDim(), config.imgResolution(),
        config.imgChannels(), config.mapping(), clamped);
  }

  private static Map<?, ?> modules(PersistentModule module) {
    return module.state().get("_modules") instanceof Map<?, ?> m && !(m instanceof InertObject) ? m : Map.of();
  }
}
