package dev.finetoon.model;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The StyleGAN2-ADA generator described once, layer by layer, from its configuration: names of every parameter and
 * buffer, gains, clamps, which w each layer reads. The ONNX and DJL backends walk this plan; neither re-derives the
 * architecture.
 *
 * <pre>{@code
 * LayerPlan plan = LayerPlan.of(config);
 * for (SynthesisBlock block : plan.blocks()) {
 *   block.layers().forEach(layer -> System.out.println(layer.name() + " reads w" + layer.wIndex()));
 * }
 * }</pre>
 */
public final class LayerPlan {
  /** The buffer that tracks the mean w, used for truncation. */
  public static final String W_AVG = "mapping.w_avg";

  private final GeneratorConfig config;
  private final Optional<DenseLayer> embed;
  private final List<DenseLayer> mapping;
  private final List<SynthesisBlock> blocks;

  private LayerPlan(GeneratorConfig config) {
    checkArgument(
        SynthesisConfig.SKIP.equals(config.synthesis().architecture()),
        "architecture '%s' is not supported: only 'skip' (used by every released StyleGAN2-ADA generator) is",
        config.synthesis().architecture());
    checkArgument(
        config.synthesis().resampleFilter().size() == 4,
        "resample_filter %s is not supported: the backends up-sample with 4 taps, as every released generator does",
        config.synthesis().resampleFilter());
    checkArgument(
        config.channels(config.imgResolution()) > 0,
        "channel_base %s leaves the %s px block without channels: it must be at least img_resolution",
        config.synthesis().channelBase(),
        config.imgResolution());
    this.config = config;
    this.embed = config.isConditional() ? Optional.of(embedLayer(config)) : Optional.empty();
    this.mapping = mappingLayers(config);
    this.blocks = synthesisBlocks(config);
  }

  /**
   * The plan for a configuration; throws {@link IllegalArgumentException} for what no backend implements: architectures
   * other than skip, resample filters of other than 4 taps, blocks without channels.
   */
  public static LayerPlan of(GeneratorConfig config) {
    return new LayerPlan(config);
  }

  public GeneratorConfig config() {
    return config;
  }

  /** The label embedding of conditional models (linear, lr multiplier 1). */
  public Optional<DenseLayer> embed() {
    return embed;
  }

  /** The mapping network's layers {@code fc0..}. */
  public List<DenseLayer> mapping() {
    return mapping;
  }

  public List<SynthesisBlock> blocks() {
    return blocks;
  }

  /** The block at a resolution; throws naming the valid resolutions otherwise. */
  public SynthesisBlock block(int resolution) {
    return blocks.stream()
        .filter(b -> b.resolution() == resolution)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no synthesis block at resolution " + resolution + "; this model has "
                        + config.blockResolutions()));
  }

  /** The normalised 2-D FIR filter {@code f ⊗ f / Σ}, row-major {@code [k, k]}. */
  public float[] resampleFilter() {
    List<Double> taps = config.synthesis().resampleFilter();
    int k = taps.size();
    double sum = 0;
    for (double a : taps) {
      for (double b : taps) {
        sum += a * b;
      }
    }
    float[] out = new float[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        out[i * k + j] = (float) (taps.get(i) * taps.get(j) / sum);
      }
    }
    return out;
  }

  /**
   * Every parameter and buffer of the generator under its PyTorch name, with its shape, in PyTorch's
   * {@code state_dict} order. A file holding exactly these is a complete generator.
   */
  public Map<String, int[]> tensorShapes() {
    ImmutableMap.Builder<String, int[]> out = ImmutableMap.builder();
    int k = config.synthesis().resampleFilter().size();
    for (SynthesisBlock block : blocks) {
      if (block.isFirst()) {
        out.put(block.constant(), new int[] {block.outChannels(), 4, 4});
      }
      for (ModulatedConv layer : block.layers()) {
        out.put(layer.weight(),
            new int[] {layer.outChannels(), layer.inChannels(), layer.kernelSize(), layer.kernelSize()});
        if (layer.noise()) {
          out.put(layer.noiseStrength(), new int[0]);
        }
        out.put(layer.bias(), new int[] {layer.outChannels()});
        putDense(out, layer.affine());
        if (layer.kernelSize() > 1) {
          out.put(layer.name() + ".resample_filter", new int[] {k, k});
        }
        if (layer.noise()) {
          out.put(layer.noiseConst(), new int[] {layer.resolution(), layer.resolution()});
        }
      }
      out.put(block.name() + ".resample_filter", new int[] {k, k});
    }
    embed.ifPresent(e -> putDense(out, e));
    mapping.forEach(layer -> putDense(out, layer));
    out.put(W_AVG, new int[] {config.wDim()});
    return out.buildOrThrow();
  }

  private static void putDense(ImmutableMap.Builder<String, int[]> out, DenseLayer layer) {
    out.put(layer.weight(), new int[] {layer.outFeatures(), layer.inFeatures()});
    out.put(layer.bias(), new int[] {layer.outFeatures()});
  }

  private static DenseLayer embedLayer(GeneratorConfig config) {
    int in = config.cDim();
    return new DenseLayer(
        "mapping.embed", in, config.mapping().embedFeatures(), Activation.LINEAR, 1 / Math.sqrt(in), 1);
  }

  private static List<DenseLayer> mappingLayers(GeneratorConfig config) {
    MappingConfig m = config.mapping();
    double lrm = m.lrMultiplier();
    int in = config.zDim() + (config.isConditional() ? m.embedFeatures() : 0);
    ImmutableList.Builder<DenseLayer> out = ImmutableList.builder();
    for (int i = 0; i < m.numLayers(); i++) {
      int outFeatures = i == m.numLayers() - 1 ? config.wDim() : m.layerFeatures();
      out.add(new DenseLayer("mapping.fc" + i, in, outFeatures, Activation.LRELU, lrm / Math.sqrt(in), lrm));
      in = outFeatures;
    }
    return out.build();
  }

  private static List<SynthesisBlock> synthesisBlocks(GeneratorConfig config) {
    ImmutableList.Builder<SynthesisBlock> out = ImmutableList.builder();
    int wIndex = 0;
    int inChannels = 0;
    for (int r : config.blockResolutions()) {
      int channels = config.channels(r);
      String name = "synthesis.b" + r;
      Optional<ModulatedConv> conv0 = Optional.empty();
      int layerIndex = wIndex;
      if (r > 4) {
        conv0 = Optional.of(conv(config, name + ".conv0", r, inChannels, channels, true, layerIndex++));
      }
      ModulatedConv conv1 = conv(config, name + ".conv1", r, channels, channels, false, layerIndex++);
      ModulatedConv torgb = toRgb(config, name + ".torgb", r, channels, layerIndex);
      out.add(new SynthesisBlock(r, inChannels, channels, wIndex, conv0, conv1, torgb));
      wIndex = layerIndex;
      inChannels = channels;
    }
    return out.build();
  }

  private static ModulatedConv conv(
      GeneratorConfig config, String name, int resolution, int in, int out, boolean up, int wIndex) {
    return new ModulatedConv(
        name, resolution, in, out, 3, up, wIndex, true, config.synthesis().useNoise(), Activation.LRELU,
        config.synthesis().convClamp(), 1.0, affine(config, name, in));
  }

  private static ModulatedConv toRgb(GeneratorConfig config, String name, int resolution, int in, int wIndex) {
    return new ModulatedConv(
        name, resolution, in, config.imgChannels(), 1, false, wIndex, false, false, Activation.LINEAR,
        config.synthesis().convClamp(), 1 / Math.sqrt(in), affine(config, name, in));
  }

  private static DenseLayer affine(GeneratorConfig config, String layer, int channels) {
    int w = config.wDim();
    return new DenseLayer(layer + ".affine", w, channels, Activation.LINEAR, 1 / Math.sqrt(w), 1);
  }
}
