package dev.finetoon.io.pickle;

import com.google.common.math.LongMath;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The generator of NVIDIA's TensorFlow StyleGAN2 pickles (NVlabs/stylegan2 2019, stylegan2-ada TF 2020, the original
 * Toonify models): a tuple {@code (G, D, Gs)} of {@code dnnlib.tflib.network.Network} states; {@code Gs}, the moving
 * average, is the generator. Converted as NVIDIA's {@code legacy.py} converts it, by name: variables of Gs and its
 * components ({@code mapping/Dense0/weight}, {@code synthesis/4x4/Conv/weight}, …); conv weights {@code [kh, kw, I, O]}
 * → {@code [O, I, kh, kw]}, {@code Conv0_up} flipped in both spatial axes first; {@code mod_weight} transposed and
 * {@code mod_bias + 1} (TensorFlow adds the 1 at run time); {@code noise{i}} to the layers' {@code noise_const};
 * {@code dlatent_avg} → {@code mapping.w_avg}; {@code channel_base = 2 · fmap_base}. The embedded
 * {@code build_module_src} is never run. Reached through {@link NvidiaPickleReader#read}, which recognises the tuple.
 */
final class TensorFlowPickleReader {
  /** The static kwargs legacy.py knows; any other makes it (and finetoon) refuse the file. */
  private static final Set<String> KNOWN_KWARGS = Set.of(
      "latent_size", "label_size", "dlatent_size", "resolution", "num_channels", "mapping_layers", "label_fmaps",
      "mapping_fmaps", "mapping_nonlinearity", "mapping_lrmul", "w_avg_beta", "fmap_base", "fmap_max", "num_fp16_res",
      "conv_clamp", "architecture", "resample_kernel", "use_noise", "nonlinearity", "truncation_psi",
      "truncation_cutoff", "style_mixing_prob", "structure", "conditioning", "fused_modconv");

  private TensorFlowPickleReader() {}

  /** True for what a TensorFlow pickle holds: a tuple whose elements are networks. */
  static boolean isNetworkTuple(Object top) {
    return top instanceof Object[] tuple && tuple.length > 0
        && Arrays.stream(tuple).allMatch(TfNetwork.class::isInstance);
  }

  /**
   * The generator of a tuple unpickled from {@code fileBytes} bytes. Variables may share one array through the memo;
   * together they may hold no more elements than the file has bytes.
   */
  static StyleGanModel read(Object[] tuple, String source, long fileBytes) throws ModelFormatException {
    if (tuple.length != 3) {
      throw new ModelFormatException(source + " holds " + tuple.length + " TensorFlow networks, expected (G, D, Gs)");
    }
    Map<?, ?> gs = ((TfNetwork) tuple[2]).state();
    if (!(gs.get("version") instanceof Number version) || version.intValue() < 4) {
      throw new ModelFormatException(source + ": TensorFlow network state version " + gs.get("version")
          + " is too old (legacy.py reads 4 and later)");
    }
    Map<?, ?> kwargs = dict(gs.get("static_kwargs"), "static_kwargs");
    for (Object key : kwargs.keySet()) {
      if (!KNOWN_KWARGS.contains(String.valueOf(key))) {
        throw new ModelFormatException(source + ": unknown TensorFlow kwarg '" + key + "' (NVIDIA's legacy.py refuses"
            + " it too)");
      }
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    collect(gs, "", vars, 0);
    GeneratorConfig config = config(kwargs, vars);
    LayerPlan plan;
    try {
      plan = LayerPlan.of(config);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": unsupported TensorFlow generator: " + e.getMessage(), e);
    }
    Map<String, Tensor> tensors = new Converter(vars, fileBytes).convert(plan);
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("source", source);
    provenance.put("format", "tensorflow");
    provenance.put("tf_version", String.valueOf(version.intValue()));
    provenance.put("build_func_name", String.valueOf(gs.get("build_func_name")));
    try {
      return StyleGanModel.of(config, tensors, provenance);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": " + e.getMessage(), e);
    }
  }

  /** legacy.py's {@code _collect_tf_params}: own variables, then each component's under {@code key/}. */
  private static void collect(Map<?, ?> net, String prefix, Map<String, Object> out, int depth)
      throws ModelFormatException {
    if (depth > 8) {
      throw new ModelFormatException("TensorFlow networks nested more than 8 deep");
    }
    Object variables = net.get("variables");
    if (!(variables instanceof List<?> list)) {
      throw new ModelFormatException("network " + prefix + " has variables " + GeneratorKwargs.describe(variables));
    }
    for (Object item : list) {
      if (!(item instanceof Object[] pair) || pair.length != 2 || !(pair[0] instanceof String name)) {
        throw new ModelFormatException("network " + prefix + " has a variable that is not a (name, value) pair");
      }
      out.put(prefix + name, pair[1]);
    }
    for (Map.Entry<?, ?> e : dict(net.get("components"), "components").entrySet()) {
      if (!(e.getValue() instanceof TfNetwork component)) {
        throw new ModelFormatException("component " + e.getKey() + " is " + GeneratorKwargs.describe(e.getValue()));
      }
      collect(component.state(), prefix + e.getKey() + "/", out, depth + 1);
    }
  }

  private static GeneratorConfig config(Map<?, ?> kw, Map<String, Object> vars) throws ModelFormatException {
    int zDim = integer(kw, "latent_size", 512);
    int cDim = integer(kw, "label_size", 0);
    if (cDim != 0) {
      throw new ModelFormatException("conditional TensorFlow generators (label_size " + cDim + ") are not supported");
    }
    int wDim = integer(kw, "dlatent_size", 512);
    int layers = integer(kw, "mapping_layers", 8);
    // The 2019 code's mapping_fmaps defaulted to 512 whatever dlatent_size was: the shapes tell the hidden width.
    int hidden = layers > 1 && vars.get("mapping/Dense0/weight") instanceof NumpyArray dense0
        && dense0.shape().length == 2 ? dense0.shape()[1] : integer(kw, "mapping_fmaps", wDim);
    requireLrelu(kw, "mapping_nonlinearity");
    requireLrelu(kw, "nonlinearity");
    Object beta = kw.get("w_avg_beta");
    Object clamp = kw.get("conv_clamp");
    Object architecture = kw.get("architecture") == null ? SynthesisConfig.SKIP : kw.get("architecture");
    List<Double> filter = new ArrayList<>();
    Object kernel = kw.get("resample_kernel");
    if (kernel == null) {
      filter.addAll(SynthesisConfig.defaults().resampleFilter());
    } else if (kernel instanceof List<?> taps && taps.stream().allMatch(Number.class::isInstance)) {
      taps.forEach(t -> filter.add(((Number) t).doubleValue()));
    } else {
      throw new ModelFormatException("resample_kernel is " + GeneratorKwargs.describe(kernel));
    }
    try {
      return GeneratorConfig.builder(zDim, wDim, integer(kw, "resolution", 1024))
          .imgChannels(integer(kw, "num_channels", 3))
          .mapping(new MappingConfig(layers, 0, hidden, number(kw, "mapping_lrmul", 0.01),
              !kw.containsKey("w_avg_beta") ? 0.995 : beta instanceof Number b ? b.doubleValue() : 1))
          .synthesis(new SynthesisConfig(2 * integer(kw, "fmap_base", 16384), integer(kw, "fmap_max", 512),
              integer(kw, "num_fp16_res", 0),
              clamp == null ? OptionalDouble.empty() : OptionalDouble.of(number(kw, "conv_clamp", 0)),
              String.valueOf(architecture), filter, !Boolean.FALSE.equals(kw.get("use_noise"))))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("unsupported TensorFlow generator configuration: " + e.getMessage(), e);
    }
  }

  /** legacy.py's {@code _populate_module_params} patterns, as conversions of named TensorFlow variables. */
  private static final class Converter {
    private final Map<String, Object> vars;
    private final long budget;
    private long elements;

    Converter(Map<String, Object> vars, long budget) {
      this.vars = vars;
      this.budget = budget;
    }

    Map<String, Tensor> convert(LayerPlan plan) throws ModelFormatException {
      Map<String, Tensor> out = new LinkedHashMap<>();
      GeneratorConfig c = plan.config();
      out.put(LayerPlan.W_AVG, get("dlatent_avg"));
      for (int i = 0; i < c.mapping().numLayers(); i++) {
        out.put("mapping.fc" + i + ".weight", transpose2d(get("mapping/Dense" + i + "/weight")));
        out.put("mapping.fc" + i + ".bias", get("mapping/Dense" + i + "/bias"));
      }
      Tensor constant = get("synthesis/4x4/Const/const");
      out.put("synthesis.b4.const", constant.reshape(Arrays.copyOfRange(constant.shape(), 1, constant.rank())));
      for (int r : c.blockResolutions()) {
        String tf = "synthesis/" + r + "x" + r + "/";
        String block = "synthesis.b" + r + ".";
        int log2 = Integer.numberOfTrailingZeros(r);
        if (r == 4) {
          conv(out, tf + "Conv/", block + "conv1.", false, "synthesis/noise0");
        } else {
          conv(out, tf + "Conv0_up/", block + "conv0.", true, "synthesis/noise" + (2 * log2 - 5));
          conv(out, tf + "Conv1/", block + "conv1.", false, "synthesis/noise" + (2 * log2 - 4));
        }
        modulated(out, tf + "ToRGB/", block + "torgb.", false);
      }
      float[] filter = plan.resampleFilter();
      int k = c.synthesis().resampleFilter().size();
      for (String name : plan.tensorShapes().keySet()) {
        if (name.endsWith(".resample_filter")) {
          out.put(name, Tensor.of(filter, k, k));
        }
      }
      return out;
    }

    private void conv(Map<String, Tensor> out, String tf, String layer, boolean flip, String noise)
        throws ModelFormatException {
      modulated(out, tf, layer, flip);
      out.put(layer + "noise_strength", get(tf + "noise_strength").reshape());
      Tensor n = get(noise);
      out.put(layer + "noise_const", n.reshape(n.dim(n.rank() - 2), n.dim(n.rank() - 1)));
    }

    private void modulated(Map<String, Tensor> out, String tf, String layer, boolean flip)
        throws ModelFormatException {
      out.put(layer + "weight", hwioToOihw(get(tf + "weight"), flip, tf + "weight"));
      out.put(layer + "affine.weight", transpose2d(get(tf + "mod_weight")));
      float[] bias = get(tf + "mod_bias").toArray();
      for (int i = 0; i < bias.length; i++) {
        bias[i] += 1;
      }
      out.put(layer + "affine.bias", Tensor.adopt(bias, bias.length));
      out.put(layer + "bias", get(tf + "bias"));
    }

    private Tensor get(String name) throws ModelFormatException {
      Object value = vars.get(name);
      if (value instanceof NumpyArray array) {
        elements = LongMath.saturatedAdd(elements,
            Arrays.stream(array.shape()).asLongStream().reduce(1, LongMath::saturatedMultiply));
        if (elements > budget) {
          throw new ModelFormatException("variables up to " + name + " hold " + elements + " elements, more than the"
              + " file's " + budget + " bytes: they share arrays");
        }
        return array.toTensor(name);
      }
      if (value instanceof Number scalar) {
        return Tensor.of(new float[] {scalar.floatValue()});
      }
      throw new ModelFormatException(value == null ? "the TensorFlow generator has no variable " + name
          : "variable " + name + " is " + GeneratorKwargs.describe(value) + ", not a numpy array");
    }
  }

  /** A 2-D tensor transposed (TensorFlow's dense {@code [in, out]} ↔ PyTorch's {@code [out, in]}). */
  static Tensor transpose2d(Tensor t) throws ModelFormatException {
    if (t.rank() != 2) {
      throw new ModelFormatException("a dense weight has shape " + Arrays.toString(t.shape()) + ", expected 2-D");
    }
    int rows = t.dim(0);
    int cols = t.dim(1);
    float[] in = t.toArray();
    float[] out = new float[in.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = in[i * cols + j];
      }
    }
    return Tensor.adopt(out, cols, rows);
  }

  /** {@code [kh, kw, I, O]} → {@code [O, I, kh, kw]}, optionally reading {@code [::-1, ::-1]} (Conv0_up). */
  private static Tensor hwioToOihw(Tensor t, boolean flip, String name) throws ModelFormatException {
    if (t.rank() != 4) {
      throw new ModelFormatException(name + " has shape " + Arrays.toString(t.shape()) + ", expected [kh, kw, I, O]");
    }
    int kh = t.dim(0);
    int kw = t.dim(1);
    int in = t.dim(2);
    int o = t.dim(3);
    float[] src = t.toArray();
    float[] out = new float[src.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        int sy = flip ? kh - 1 - y : y;
        int sx = flip ? kw - 1 - x : x;
        for (int i = 0; i < in; i++) {
          for (int j = 0; j < o; j++) {
            out[((j * in + i) * kh + y) * kw + x] = src[((sy * kw + sx) * in + i) * o + j];
          }
        }
      }
    }
    return Tensor.adopt(out, o, in, kh, kw);
  }

  private static void requireLrelu(Map<?, ?> kw, String key) throws ModelFormatException {
    Object value = kw.get(key);
    if (value != null && !"lrelu".equals(value)) {
      throw new ModelFormatException(key + " '" + value + "' is not supported (only lrelu)");
    }
  }

  private static Map<?, ?> dict(Object value, String what) throws ModelFormatException {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map) || value instanceof InertObject) {
      throw new ModelFormatException("TensorFlow network " + what + " is " + GeneratorKwargs.describe(value));
    }
    return map;
  }

  private static int integer(Map<?, ?> kw, String key, int fallback) throws ModelFormatException {
    Object value = kw.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
      throw new ModelFormatException("TensorFlow kwarg " + key + " is " + GeneratorKwargs.describe(value)
          + ", not a 32-bit integer");
    }
    return n.intValue();
  }

  private static double number(Map<?, ?> kw, String key, double fallback) throws ModelFormatException {
    Object value = kw.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new ModelFormatException("TensorFlow kwarg " + key + " is " + GeneratorKwargs.describe(value));
    }
    return n.doubleValue();
  }
}
