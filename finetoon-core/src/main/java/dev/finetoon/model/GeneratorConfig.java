package dev.finetoon.model;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * A StyleGAN2-ADA generator's configuration: the constructor arguments NVIDIA's {@code Generator} was built with.
 *
 * <pre>{@code
 * GeneratorConfig ffhq256 = GeneratorConfig.builder(512, 512, 256)
 *     .mapping(MappingConfig.defaults(512, 0))
 *     .synthesis(new SynthesisConfig(16384, 512, 4, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
 *     .build();
 * ffhq256.numWs(); // 14
 * }</pre>
 */
public record GeneratorConfig(
    int zDim,
    int cDim,
    int wDim,
    int imgResolution,
    int imgChannels,
    MappingConfig mapping,
    SynthesisConfig synthesis) {

  /**
   * The largest img_resolution: 16 times NVIDIA's largest model. A file's weights do not bound it (the blocks' sizes
   * depend on channels, not resolution, and a model without noise has no buffer of the resolution's size), so a file
   * claiming 2^30 would otherwise make generation allocate 2^60 pixels.
   */
  public static final int MAX_RESOLUTION = 1 << 14;

  public GeneratorConfig {
    checkArgument(zDim >= 0 && cDim >= 0 && zDim + cDim > 0, "need z_dim or c_dim, got %s/%s", zDim, cDim);
    checkArgument(wDim > 0, "w_dim must be positive, got %s", wDim);
    checkArgument(
        imgResolution >= 4 && Integer.bitCount(imgResolution) == 1 && imgResolution <= MAX_RESOLUTION,
        "img_resolution must be a power of two from 4 to %s, got %s",
        MAX_RESOLUTION,
        imgResolution);
    checkArgument(imgChannels > 0, "img_channels must be positive, got %s", imgChannels);
    checkArgument(cDim == 0 || mapping.embedFeatures() > 0, "a conditional model needs embed_features > 0");
  }

  /** A builder with NVIDIA's defaults for everything but the three sizes. */
  public static Builder builder(int zDim, int wDim, int imgResolution) {
    return new Builder(zDim, wDim, imgResolution);
  }

  /** Synthesis block resolutions {@code 4, 8, …, imgResolution}. */
  public List<Integer> blockResolutions() {
    ImmutableList.Builder<Integer> out = ImmutableList.builder();
    for (long r = 4; r <= imgResolution; r *= 2) { // long: doubling 2^30 must not wrap around
      out.add((int) r);
    }
    return out.build();
  }

  /** Number of w vectors the synthesis network reads: two per block above 4×4, one for b4, plus the last toRGB. */
  public int numWs() {
    return 2 * (blockResolutions().size() - 1) + 2;
  }

  /** Channels of the block at resolution {@code r}. */
  public int channels(int resolution) {
    return synthesis.channels(resolution);
  }

  public boolean isConditional() {
    return cDim > 0;
  }

  /** Builder for {@link GeneratorConfig}. */
  public static final class Builder {
    private final int zDim;
    private final int wDim;
    private final int imgResolution;
    private int cDim;
    private int imgChannels = 3;
    private MappingConfig mapping;
    private SynthesisConfig synthesis = SynthesisConfig.defaults();

    private Builder(int zDim, int wDim, int imgResolution) {
      this.zDim = zDim;
      this.wDim = wDim;
      this.imgResolution = imgResolution;
    }

    public Builder cDim(int value) {
      this.cDim = value;
      return this;
    }

    public Builder imgChannels(int value) {
      this.imgChannels = value;
      return this;
    }

    public Builder mapping(MappingConfig value) {
      this.mapping = value;
      return this;
    }

    public Builder synthesis(SynthesisConfig value) {
      this.synthesis = value;
      return this;
    }

    public GeneratorConfig build() {
      MappingConfig m = mapping != null ? mapping : MappingConfig.defaults(wDim, cDim);
      return new GeneratorConfig(zDim, cDim, wDim, imgResolution, imgChannels, m, synthesis);
    }
  }
}
