package dev.finetoon.io.pickle;

import com.google.common.math.LongMath;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the generator of a rosinality/stylegan2-pytorch checkpoint: a {@code torch.save} file (zip or legacy stream,
 * see {@link TorchSaveFile}) of state dicts. The generator is {@code g_ema} (training checkpoints, VToonify,
 * DualStyleGAN, StyleGAN-NADA, {@code convert_weight.py} output), else {@code g} (JoJoGAN's styles), else the
 * {@code decoder.} part of {@code state_dict} (pSp/e4e), else the file's own top-level state dict. Everything else in
 * the file (discriminator, optimiser states, {@code args}) is left unread.
 *
 * <p>The state dict maps exactly onto NVIDIA's layer plan: {@code style.{i+1}} → {@code mapping.fc{i}},
 * {@code input.input} → {@code synthesis.b4.const}, {@code conv1}/{@code to_rgb1} → {@code b4.conv1}/{@code b4.torgb},
 * {@code convs.{2k}}, {@code convs.{2k+1}}, {@code to_rgbs.{k}} → {@code b{8·2^k}.conv0}, {@code .conv1},
 * {@code .torgb}, {@code noises.noise_i} → the layers' {@code noise_const}; the leading 1 of the
 * {@code [1, O, I, k, k]} weights is dropped; modulation biases already hold the +1; the stored blur kernels
 * (NVIDIA's filter × 4) are checked and dropped. Widths, {@code n_mlp} and the resolution come from the shapes
 * (never from {@code args}). rosinality has no activation clamp and truncates every layer (cutoff none), and so do
 * the models read here.
 *
 * <p>Truncation needs a mean latent: the given one, else the file's {@code latent_avg}, else finetoon's rule (the mean
 * of 4096 mapped z of numpy {@code RandomState(0)}); provenance {@code w_avg} says which.
 *
 * <pre>{@code
 * StyleGanModel toon = RosinalityReader.read(Path.of("jojogan_style.pt"));
 * StyleGanModel base = RosinalityReader.read(Path.of("stylegan2-ffhq-config-f.pt"));
 * StyleGanModel own = RosinalityReader.read(Path.of("550000.pt"), NpyFile.read(Path.of("mean.npy")).toTensor());
 * }</pre>
 *
 * <p>Thread-safe: every call works on its own state.
 */
public final class RosinalityReader {
  /** NVIDIA's 2-D up-sampling filter ({@code [1,3,3,1]}, normalised) times rosinality's up-sampling gain 4. */
  private static final float BLUR_GAIN = 4;

  private RosinalityReader() {}

  /** Reads a checkpoint's generator, with the file's mean latent or finetoon's rule. */
  public static StyleGanModel read(Path file) throws IOException {
    return read(file, null);
  }

  /** Reads a checkpoint's generator; {@code latentAvg} ({@code [w_dim]}, may be null) overrides any in the file. */
  public static StyleGanModel read(Path file, Tensor latentAvg) throws IOException {
    Object top = TorchSaveFile.load(file);
    if (!(top instanceof Map<?, ?> checkpoint) || top instanceof InertObject) {
      throw new ModelFormatException(file + " holds " + GeneratorKwargs.describe(top) + ", not a checkpoint dict");
    }
    String key;
    String prefix = "";
    Map<?, ?> stateDict;
    if (checkpoint.get("g_ema") instanceof Map<?, ?> g) {
      key = "g_ema";
      stateDict = g;
    } else if (checkpoint.get("g") instanceof Map<?, ?> g) {
      key = "g";
      stateDict = g;
    } else if (checkpoint.get("state_dict") instanceof Map<?, ?> sd && sd.containsKey("decoder.style.1.weight")) {
      key = "state_dict";
      prefix = "decoder.";
      stateDict = sd;
    } else if (checkpoint.containsKey("style.1.weight")) {
      key = "(top level)";
      stateDict = checkpoint;
    } else {
      throw new ModelFormatException(file + " is a torch.save file whose keys " + keys(checkpoint)
          + " hold no rosinality generator (g_ema, g, or state_dict with decoder.*)");
    }
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("source", file.toString());
    provenance.put("format", "rosinality");
    provenance.put("container", "zip".equals(TorchSaveFile.container(file))
        ? "torch.save zip archive" : "legacy torch.save stream");
    provenance.put("checkpoint_key", key);
    Tensor avg = latentAvg;
    if (avg == null && checkpoint.get("latent_avg") instanceof StoredTensor stored) {
      Tensor latent = stored.read("latent_avg");
      avg = oneRow(latent);
      provenance.put("w_avg", avg != null ? "the file's latent_avg" : MeanLatent.rule() + " (the file's latent_avg "
          + Arrays.toString(latent.shape()) + " differs per layer)");
    }
    try {
      return fromStateDict(stateDict, prefix, avg, provenance);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The generator in a rosinality state dict (name → {@link StoredTensor}, as {@link TorchSaveFile} reads it): the
   * keys under {@code prefix} ({@code ""}, or {@code "decoder."} in pSp/e4e checkpoints), which must be exactly one
   * generator's. {@code latentAvg} ({@code [w_dim]} or {@code [1, w_dim]}) becomes {@code mapping.w_avg}; when null,
   * finetoon's rule computes it. {@code provenance} is kept, with {@code w_avg} added when missing.
   */
  public static StyleGanModel fromStateDict(
      Map<?, ?> stateDict, String prefix, Tensor latentAvg, Map<String, String> provenance)
      throws ModelFormatException {
    Map<String, StoredTensor> named = new TreeMap<>();
    for (Map.Entry<?, ?> e : stateDict.entrySet()) {
      if (e.getKey() instanceof String name && name.startsWith(prefix)) {
        if (!(e.getValue() instanceof StoredTensor t)) {
          throw new ModelFormatException(name + " is " + GeneratorKwargs.describe(e.getValue()) + ", not a tensor");
        }
        named.put(name.substring(prefix.length()), t);
      }
    }
    StateDict source = new StateDict(named, prefix, elementBudget(named.values()));
    GeneratorConfig config = config(source);
    LayerPlan plan;
    try {
      plan = LayerPlan.of(config);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("unsupported rosinality generator: " + e.getMessage(), e);
    }
    Map<String, Tensor> tensors = tensors(source, plan);
    Set<String> unused = new LinkedHashSet<>(named.keySet());
    unused.removeAll(source.used);
    if (!unused.isEmpty()) {
      throw new ModelFormatException("the state dict has keys no StyleGAN2 generator of this shape has: "
          + unused.stream().map(k -> prefix + k).limit(8).toList());
    }
    Map<String, String> prov = new LinkedHashMap<>(provenance);
    try {
      tensors.put(LayerPlan.W_AVG, Tensor.zeros(config.wDim()));
      StyleGanModel model = StyleGanModel.of(config, tensors, prov);
      if (latentAvg == null) {
        return model.withWAvg(MeanLatent.of(model), prov.getOrDefault("w_avg",
            MeanLatent.rule() + " (the file has no latent_avg)"));
      }
      return model.withWAvg(latentAvg, prov.getOrDefault("w_avg", "given"));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(e.getMessage(), e);
    }
  }

  /**
   * How many elements the tensors may hold together: the bytes of their distinct storages. Many keys may view one
   * storage; without this bound a small hostile file could make the reader gather one storage a thousand times over.
   */
  private static long elementBudget(Iterable<StoredTensor> tensors) {
    Set<TorchStorage> storages = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    long budget = 0;
    for (StoredTensor t : tensors) {
      if (t instanceof TensorRef ref) {
        budget += storages.add(ref.storage()) ? ref.storage().data().capacity() : 0;
      } else {
        long size = Arrays.stream(t.shape()).asLongStream().reduce(1, LongMath::saturatedMultiply);
        budget = LongMath.saturatedAdd(budget, size);
      }
    }
    return budget;
  }

  /**
   * pSp/e4e save {@code latent_avg} per layer ({@code [n_latent, D]}): one mean w when the rows agree, else null (the
   * generator truncates towards one w; the encoder's per-layer average is the encoder's business). Any other shape
   * is left to {@link StyleGanModel#withWAvg} to refuse.
   */
  private static Tensor oneRow(Tensor latent) {
    if (latent.rank() != 2 || latent.dim(0) <= 1) {
      return latent;
    }
    int d = latent.dim(1);
    float[] values = latent.toArray();
    for (int i = d; i < values.length; i++) {
      if (values[i] != values[i % d]) {
        return null;
      }
    }
    return Tensor.of(Arrays.copyOf(values, d), d);
  }

  /** The state dict being mapped, remembering which keys were used and how many elements were read. */
  private static final class StateDict {
    private final Map<String, StoredTensor> tensors;
    private final String prefix;
    private final long budget;
    private final Set<String> used = new LinkedHashSet<>();
    private long elements;

    StateDict(Map<String, StoredTensor> tensors, String prefix, long budget) {
      this.tensors = tensors;
      this.prefix = prefix;
      this.budget = budget;
    }

    boolean has(String key) {
      return tensors.containsKey(key);
    }

    int[] shape(String key) throws ModelFormatException {
      StoredTensor t = tensors.get(key);
      if (t == null) {
        throw new ModelFormatException("the state dict has no " + prefix + key);
      }
      return t.shape();
    }

    /** The tensor, its shape checked against {@code expected} and then reshaped to {@code as}. */
    Tensor take(String key, int[] expected, int... as) throws ModelFormatException {
      int[] shape = shape(key);
      if (!Arrays.equals(shape, expected)) {
        throw new ModelFormatException(prefix + key + " has shape " + Arrays.toString(shape) + ", expected "
            + Arrays.toString(expected));
      }
      used.add(key);
      Tensor t = tensors.get(key).read(prefix + key);
      elements += t.size();
      if (elements > budget) {
        throw new ModelFormatException("tensors up to " + prefix + key + " hold " + elements + " elements, more than"
            + " their storages' " + budget + " bytes: they overlap in storage");
      }
      return t.reshape(as);
    }
  }

  private static GeneratorConfig config(StateDict sd) throws ModelFormatException {
    int[] style = sd.shape("style.1.weight");
    int d = style[0];
    if (style.length != 2 || style[1] != d) {
      throw new ModelFormatException("style.1.weight has shape " + Arrays.toString(style) + ", expected [D, D]");
    }
    int nMlp = 1;
    while (sd.has("style." + (nMlp + 1) + ".weight")) {
      nMlp++;
    }
    int upBlocks = 0;
    while (sd.has("to_rgbs." + upBlocks + ".conv.weight")) {
      upBlocks++;
    }
    int resolution = 4 << upBlocks;
    int[] widths = new int[upBlocks + 1];
    widths[0] = weight(sd, "conv1.conv.weight")[1];
    for (int k = 0; k < upBlocks; k++) {
      widths[k + 1] = weight(sd, "convs." + 2 * k + ".conv.weight")[1];
    }
    int channelMax = Arrays.stream(widths).max().getAsInt();
    int channelBase = channelMax * resolution;
    for (int k = 0; k < widths.length; k++) {
      if (widths[k] < channelMax) {
        channelBase = widths[k] * (4 << k);
        break;
      }
    }
    for (int k = 0; k < widths.length; k++) {
      if (Math.min(channelBase / (4 << k), channelMax) != widths[k]) {
        throw new ModelFormatException("the channel widths " + Arrays.toString(widths) + " (4×4 up) follow no "
            + "min(channel_base / resolution, channel_max) rule");
      }
    }
    int imgChannels = weight(sd, "to_rgb1.conv.weight")[1];
    try {
      return GeneratorConfig.builder(d, d, resolution)
          .imgChannels(imgChannels)
          .mapping(new MappingConfig(nMlp, 0, d, 0.01, MappingConfig.defaults(d, 0).wAvgBeta()))
          .synthesis(new SynthesisConfig(channelBase, channelMax, 0, OptionalDouble.empty(), SynthesisConfig.SKIP,
              SynthesisConfig.defaults().resampleFilter(), true))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("unsupported rosinality generator: " + e.getMessage(), e);
    }
  }

  /** A modulated conv weight {@code [1, O, I, k, k]}. */
  private static int[] weight(StateDict sd, String key) throws ModelFormatException {
    int[] shape = sd.shape(key);
    if (shape.length != 5 || shape[0] != 1) {
      throw new ModelFormatException(key + " has shape " + Arrays.toString(shape) + ", expected [1, O, I, k, k]");
    }
    return shape;
  }

  private static Map<String, Tensor> tensors(StateDict sd, LayerPlan plan) throws ModelFormatException {
    GeneratorConfig c = plan.config();
    Map<String, Tensor> out = new LinkedHashMap<>();
    int d = c.wDim();
    for (int i = 0; i < c.mapping().numLayers(); i++) {
      out.put("mapping.fc" + i + ".weight", sd.take("style." + (i + 1) + ".weight", new int[] {d, d}, d, d));
      out.put("mapping.fc" + i + ".bias", sd.take("style." + (i + 1) + ".bias", new int[] {d}, d));
    }
    int c4 = c.channels(4);
    out.put("synthesis.b4.const", sd.take("input.input", new int[] {1, c4, 4, 4}, c4, 4, 4));
    float[] filter = plan.resampleFilter();
    List<Integer> resolutions = c.blockResolutions();
    for (int b = 0; b < resolutions.size(); b++) {
      int r = resolutions.get(b);
      String block = "synthesis.b" + r;
      int in = b == 0 ? c4 : c.channels(r / 2);
      int ch = c.channels(r);
      if (b == 0) {
        conv(sd, out, "conv1", block + ".conv1", in, ch, d, "noises.noise_0", r);
        toRgb(sd, out, "to_rgb1", block + ".torgb", ch, d, c.imgChannels());
      } else {
        int k = b - 1;
        conv(sd, out, "convs." + 2 * k, block + ".conv0", in, ch, d, "noises.noise_" + (2 * k + 1), r);
        blurKernel(sd, "convs." + 2 * k + ".conv.blur.kernel", filter);
        conv(sd, out, "convs." + (2 * k + 1), block + ".conv1", ch, ch, d, "noises.noise_" + (2 * k + 2), r);
        toRgb(sd, out, "to_rgbs." + k, block + ".torgb", ch, d, c.imgChannels());
        blurKernel(sd, "to_rgbs." + k + ".upsample.kernel", filter);
      }
    }
    for (String name : plan.tensorShapes().keySet()) {
      if (name.endsWith(".resample_filter")) {
        out.put(name, Tensor.of(filter, 4, 4));
      }
    }
    return out;
  }

  private static void conv(StateDict sd, Map<String, Tensor> out, String ros, String nvidia, int in, int ch, int d,
      String noise, int r) throws ModelFormatException {
    out.put(nvidia + ".weight", sd.take(ros + ".conv.weight", new int[] {1, ch, in, 3, 3}, ch, in, 3, 3));
    out.put(nvidia + ".affine.weight", sd.take(ros + ".conv.modulation.weight", new int[] {in, d}, in, d));
    out.put(nvidia + ".affine.bias", sd.take(ros + ".conv.modulation.bias", new int[] {in}, in));
    out.put(nvidia + ".noise_strength", sd.take(ros + ".noise.weight", new int[] {1}));
    out.put(nvidia + ".bias", sd.take(ros + ".activate.bias", new int[] {ch}, ch));
    out.put(nvidia + ".noise_const", sd.take(noise, new int[] {1, 1, r, r}, r, r));
  }

  private static void toRgb(StateDict sd, Map<String, Tensor> out, String ros, String nvidia, int in, int d, int rgb)
      throws ModelFormatException {
    out.put(nvidia + ".weight", sd.take(ros + ".conv.weight", new int[] {1, rgb, in, 1, 1}, rgb, in, 1, 1));
    out.put(nvidia + ".affine.weight", sd.take(ros + ".conv.modulation.weight", new int[] {in, d}, in, d));
    out.put(nvidia + ".affine.bias", sd.take(ros + ".conv.modulation.bias", new int[] {in}, in));
    out.put(nvidia + ".bias", sd.take(ros + ".bias", new int[] {1, rgb, 1, 1}, rgb));
  }

  /** rosinality stores its FIR kernels with the up-sampling gain folded in; the backends use NVIDIA's filter × 4. */
  private static void blurKernel(StateDict sd, String key, float[] filter) throws ModelFormatException {
    float[] kernel = sd.take(key, new int[] {4, 4}, 4, 4).toArray();
    for (int i = 0; i < kernel.length; i++) {
      if (Math.abs(kernel[i] - BLUR_GAIN * filter[i]) > 1e-6f) {
        throw new ModelFormatException(sd.prefix + key + " is " + Arrays.toString(kernel) + ", not the [1,3,3,1]"
            + " kernel × 4 that every released generator uses");
      }
    }
  }

  private static List<Object> keys(Map<?, ?> map) {
    return map.keySet().stream().map(k -> (Object) k).limit(12).toList();
  }
}
