package dev.finetoon.model;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The synthesis network's settings, NVIDIA's {@code synthesis_kwargs} with their defaults filled in.
 *
 * @param channelBase channels at resolution r are {@code min(channelBase / r, channelMax)} (default 32768)
 * @param channelMax the cap on channels per layer (default 512)
 * @param numFp16Res how many top resolutions NVIDIA runs in fp16 on GPUs; finetoon always computes in float32
 * @param convClamp activations are clamped to ±convClamp after each layer when present (default none)
 * @param architecture only {@code skip} exists in released generators; others are refused when built
 * @param resampleFilter the 1-D FIR taps of the up-sampling filter (default {@code [1, 3, 3, 1]})
 * @param useNoise whether synthesis layers add per-pixel noise (default true)
 */
public record SynthesisConfig(
    int channelBase,
    int channelMax,
    int numFp16Res,
    OptionalDouble convClamp,
    String architecture,
    List<Double> resampleFilter,
    boolean useNoise) {

  public static final String SKIP = "skip";

  public SynthesisConfig {
    checkArgument(channelBase > 0 && channelMax > 0, "channel_base and channel_max must be positive");
    checkArgument(numFp16Res >= 0, "num_fp16_res must not be negative");
    checkArgument(convClamp.isEmpty() || convClamp.getAsDouble() > 0, "conv_clamp must be positive when set");
    checkArgument(!resampleFilter.isEmpty(), "resample_filter must not be empty");
    resampleFilter = ImmutableList.copyOf(resampleFilter);
  }

  /** NVIDIA's defaults. */
  public static SynthesisConfig defaults() {
    return new SynthesisConfig(32768, 512, 0, OptionalDouble.empty(), SKIP, List.of(1.0, 3.0, 3.0, 1.0), true);
  }

  /** Channels of the synthesis block at resolution {@code r}. */
  public int channels(int resolution) {
    return Math.min(channelBase / resolution, channelMax);
  }
}
