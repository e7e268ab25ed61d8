package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.SynthesisConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A {@link GeneratorConfig} from the constructor arguments NVIDIA's persistence records for a Generator
 * ({@code _init_args}, {@code _init_kwargs}), with NVIDIA's defaults for whatever the file leaves out.
 */
final class GeneratorKwargs {
  /** {@code Generator.__init__}'s positional parameters, in order. */
  private static final List<String> POSITIONAL =
      List.of("z_dim", "c_dim", "w_dim", "img_resolution", "img_channels", "mapping_kwargs", "synthesis_kwargs");

  /** Keys that only choose GPU speed settings; float32 results do not depend on them. */
  private static final Set<String> SPEED_ONLY =
      Set.of("use_fp16", "fp16_channels_last", "channels_last", "fused_modconv_default");

  private GeneratorKwargs() {}

  static GeneratorConfig parse(Object initArgs, Object initKwargs) throws ModelFormatException {
    Map<String, Object> kwargs = new java.util.LinkedHashMap<>();
    if (initArgs instanceof Object[] args) {
      if (args.length > POSITIONAL.size()) {
        throw new ModelFormatException("Generator has " + args.length + " positional arguments, expected at most 7");
      }
      for (int i = 0; i < args.length; i++) {
        kwargs.put(POSITIONAL.get(i), args[i]);
      }
    }
    if (initKwargs instanceof Map<?, ?> map) {
      map.forEach((k, v) -> kwargs.put(String.valueOf(k), v));
    } else if (initKwargs != null) {
      throw new ModelFormatException("Generator _init_kwargs is " + describe(initKwargs) + ", not a dict");
    }
    int zDim = integer(kwargs, "z_dim", null);
    int cDim = integer(kwargs, "c_dim", null);
    int wDim = integer(kwargs, "w_dim", null);
    int resolution = integer(kwargs, "img_resolution", null);
    int channels = integer(kwargs, "img_channels", null);
    Map<String, Object> mappingKwargs = dict(kwargs.get("mapping_kwargs"), "mapping_kwargs");
    Map<String, Object> synthesisKwargs = new java.util.LinkedHashMap<>(
        dict(kwargs.get("synthesis_kwargs"), "synthesis_kwargs"));
    // The stylegan3 repository's networks_stylegan2.Generator takes them flat (**synthesis_kwargs) beside z_dim.
    kwargs.forEach((key, value) -> {
      if (!POSITIONAL.contains(key)) {
        synthesisKwargs.put(key, value);
      }
    });
    try {
      return GeneratorConfig.builder(zDim, wDim, resolution)
          .cDim(cDim)
          .imgChannels(channels)
          .mapping(mapping(mappingKwargs, wDim, cDim))
          .synthesis(synthesis(synthesisKwargs))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("unsupported generator configuration: " + e.getMessage(), e);
    }
  }

  private static MappingConfig mapping(Map<String, Object> kw, int wDim, int cDim) throws ModelFormatException {
    MappingConfig d = MappingConfig.defaults(wDim, cDim);
    requireActivation(kw, "mapping_kwargs");
    int embed = cDim == 0 ? 0 : integer(kw, "embed_features", wDim);
    return new MappingConfig(
        integer(kw, "num_layers", d.numLayers()),
        embed,
        integer(kw, "layer_features", wDim),
        number(kw, "lr_multiplier", d.lrMultiplier()),
        number(kw, "w_avg_beta", d.wAvgBeta()));
  }

  private static SynthesisConfig synthesis(Map<String, Object> kw) throws ModelFormatException {
    SynthesisConfig d = SynthesisConfig.defaults();
    requireActivation(kw, "synthesis_kwargs");
    for (String key : kw.keySet()) {
      if (!SPEED_ONLY.contains(key)
          && !Set.of("channel_base", "channel_max", "num_fp16_res", "conv_clamp", "architecture", "resample_filter",
                  "use_noise", "activation")
              .contains(key)) {
        throw new ModelFormatException("unknown synthesis_kwargs entry '" + key + "' (not StyleGAN2-ADA's)");
      }
    }
    Object clamp = kw.get("conv_clamp");
    OptionalDouble convClamp = clamp == null ? OptionalDouble.empty() : OptionalDouble.of(number(kw, "conv_clamp", 0));
    Object architecture = kw.getOrDefault("architecture", d.architecture());
    if (!(architecture instanceof String)) {
      throw new ModelFormatException("synthesis architecture is " + describe(architecture));
    }
    List<Double> filter = d.resampleFilter();
    if (kw.get("resample_filter") instanceof List<?> taps) {
      filter = new ArrayList<>();
      for (Object tap : taps) {
        if (!(tap instanceof Number n)) {
          throw new ModelFormatException("resample_filter holds " + describe(tap));
        }
        filter.add(n.doubleValue());
      }
    }
    Object useNoise = kw.getOrDefault("use_noise", true);
    return new SynthesisConfig(
        integer(kw, "channel_base", d.channelBase()),
        integer(kw, "channel_max", d.channelMax()),
        integer(kw, "num_fp16_res", d.numFp16Res()),
        convClamp,
        (String) architecture,
        filter,
        !Boolean.FALSE.equals(useNoise));
  }

  private static void requireActivation(Map<String, Object> kw, String where) throws ModelFormatException {
    Object activation = kw.get("activation");
    if (activation != null && !"lrelu".equals(activation)) {
      throw new ModelFormatException(where + " activation '" + activation + "' is not supported (only lrelu)");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> dict(Object value, String name) throws ModelFormatException {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?>) || value instanceof InertObject) {
      throw new ModelFormatException("Generator " + name + " is " + describe(value) + ", not a dict");
    }
    return (Map<String, Object>) value;
  }

  private static int integer(Map<String, Object> kw, String key, Integer fallback) throws ModelFormatException {
    Object value = kw.get(key);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!(value instanceof Number n)
        || n.doubleValue() != Math.rint(n.doubleValue())
        || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
      throw new ModelFormatException("Generator argument " + key + " is " + describe(value) + ", not a 32-bit integer");
    }
    return n.intValue();
  }

  private static double number(Map<String, Object> kw, String key, double fallback) throws ModelFormatException {
    Object value = kw.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new ModelFormatException("Generator argument " + key + " is " + describe(value) + ", not a number");
    }
    return n.doubleValue();
  }

  static String describe(Object value) {
    if (value instanceof InertObject inert) {
      return "an unsupported object of type " + inert.global();
    }
    if (value instanceof InertObject.Global global) {
      return "the unsupported global " + global.global();
    }
    return value == null ? "missing" : "'" + value + "'";
  }
}
