package dev.finetoon.io.pickle;

import dev.finetoon.Tensor;
import dev.finetoon.io.pickle.PythonPickler.Global;
import dev.finetoon.io.pickle.PythonPickler.PersistentId;
import dev.finetoon.io.pickle.PythonPickler.Reduce;
import dev.finetoon.model.DenseLayer;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link StyleGanModel} as stylegan2-ada-pytorch pickles it, for tests and fuzz seeds that need a complete
 * NVIDIA file. Its configuration is written as NVIDIA's training script passes it ({@code mapping_kwargs} holds
 * {@code num_layers} alone, {@code synthesis_kwargs} the channels, fp16 and clamp settings), so the other settings
 * must be NVIDIA's defaults for the file to read back as the model. The object graph is NVIDIA's: every module a {@code
 * torch_utils.persistence._reconstruct_persistent_obj} of {@code {type, version, module_src, class_name, state}}, the
 * state a module's {@code __dict__} (the {@code OrderedDict}s of {@code torch.nn.Module}, the network's attributes
 * with numpy float64 gains, {@code _init_args}, {@code _init_kwargs}), parameters as {@code _rebuild_parameter} of
 * {@code _rebuild_tensor_v2} of {@code torch.storage._load_from_bytes} of a legacy {@code torch.save} stream. The
 * opcodes are CPython's ({@link PythonPickler}). Only the embedded
 * network source is a short stand-in for NVIDIA's 37 kB {@code networks.py}.
 */
public final class GeneratorPickleWriter {
  /** What the pickle holds in place of NVIDIA's module source. */
  private static final String MODULE_SOURCE =
      "# Stand-in for training/networks.py, which NVIDIA's persistence embeds in every pickle.\n"
          + "import numpy as np\nimport torch\nfrom torch_utils import persistence\n";

  private static final Global PERSISTENT_OBJ = new Global("torch_utils.persistence", "_reconstruct_persistent_obj");
  private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
  private static final Global LOAD_FROM_BYTES = new Global("torch.storage", "_load_from_bytes");
  private static final Global SCALAR = new Global("numpy.core.multiarray", "scalar");
  private static final Global DTYPE = new Global("numpy", "dtype");
  private static final BigInteger TORCH_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

  /** numpy's float64 dtype: one object, as in numpy, so pickled once and then fetched from the memo. */
  private static final Reduce FLOAT64 =
      new Reduce(DTYPE, new Object[] {"f8", false, true}, null, new Object[] {3, "<", null, null, null, -1, -1, 0});

  /** {@code bias_act.activation_funcs['lrelu'].def_gain}: one numpy float64 that every SynthesisLayer refers to. */
  private static final Reduce LRELU_GAIN = float64(Math.sqrt(2));

  private final StyleGanModel model;
  /** Storage keys: torch uses {@code str(id(storage))}. */
  private long nextStorageKey = 369_124_512;

  private GeneratorPickleWriter(StyleGanModel model) {
    this.model = model;
  }

  /** A bare pickled {@code Generator}, as the Fine-Tooning notebooks save them, in protocol 2, 3 or 4. */
  public static byte[] generator(StyleGanModel model, int protocol) {
    return PythonPickler.dump(protocol, new GeneratorPickleWriter(model).generator());
  }

  /**
   * An ADA training snapshot (protocol 3, like NVIDIA's {@code network-snapshot-*.pkl}): {@code G} (the training
   * copy), {@code D} (a stand-in Discriminator without layers), {@code G_ema}, and {@code None} for
   * {@code augment_pipe} and {@code training_set_kwargs}.
   */
  public static byte[] snapshot(StyleGanModel g, StyleGanModel gEma) {
    GeneratorConfig c = gEma.config();
    Map<Object, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("G", new GeneratorPickleWriter(g).generator());
    snapshot.put(
        "D",
        module("Discriminator", Map.of(), Map.of(), Map.of(), Map.of(), new Object[0],
            dict("c_dim", c.cDim(), "img_resolution", c.imgResolution(), "img_channels", c.imgChannels())));
    snapshot.put("G_ema", new GeneratorPickleWriter(gEma).generator());
    snapshot.put("augment_pipe", null);
    snapshot.put("training_set_kwargs", null);
    return PythonPickler.dump(3, snapshot);
  }

  /**
   * A legacy {@code torch.save} stream of one storage, as {@code torch.storage._load_from_bytes} reads it: magic,
   * protocol version, system info, the storage's persistent id, its key list (pickles of protocol 2), the element
   * count as 8 bytes, the little-endian data.
   */
  public static byte[] storageStream(String storageType, long numel, byte[] data, String key) {
    Map<Object, Object> sysInfo =
        dict("protocol_version", 1001, "little_endian", true, "type_sizes", dict("short", 2, "int", 4, "long", 4));
    Object pid = new Object[] {"storage", new Global("torch", storageType), key, "cuda:0", numel, null};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PythonPickler.dump(2, TORCH_MAGIC));
    out.writeBytes(PythonPickler.dump(2, 1001));
    out.writeBytes(PythonPickler.dump(2, sysInfo));
    out.writeBytes(PythonPickler.dump(2, new PersistentId(pid)));
    out.writeBytes(PythonPickler.dump(2, List.of(key)));
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(numel).array());
    out.writeBytes(data);
    return out.toByteArray();
  }

  // ---- NVIDIA's networks ------------------------------------------------------------------------------------------

  private Object generator() {
    GeneratorConfig c = model.config();
    Map<Object, Object> synthesisKwargs =
        dict("channel_base", c.synthesis().channelBase(), "channel_max", c.synthesis().channelMax(),
            "num_fp16_res", c.synthesis().numFp16Res());
    c.synthesis().convClamp().ifPresent(clamp -> synthesisKwargs.put("conv_clamp", pythonNumber(clamp)));
    Map<Object, Object> kwargs =
        dict("z_dim", c.zDim(), "c_dim", c.cDim(), "w_dim", c.wDim(), "img_resolution", c.imgResolution(),
            "img_channels", c.imgChannels(), "mapping_kwargs", dict("num_layers", c.mapping().numLayers()),
            "synthesis_kwargs", synthesisKwargs);
    return module(
        "Generator", Map.of(), Map.of(), dict("synthesis", synthesis(), "mapping", mapping()),
        dict("z_dim", c.zDim(), "c_dim", c.cDim(), "w_dim", c.wDim(), "img_resolution", c.imgResolution(),
            "img_channels", c.imgChannels(), "num_ws", c.numWs()),
        new Object[0], kwargs);
  }

  private Object mapping() {
    GeneratorConfig c = model.config();
    Map<Object, Object> layers = new LinkedHashMap<>();
    model.plan().embed().ifPresent(embed -> layers.put("embed", dense(embed, dict())));
    for (DenseLayer layer : model.plan().mapping()) {
      Map<Object, Object> kwargs =
          dict("activation", "lrelu", "lr_multiplier", pythonNumber(c.mapping().lrMultiplier()));
      layers.put(layer.name().substring("mapping.".length()), dense(layer, kwargs));
    }
    return module(
        "MappingNetwork", Map.of(), dict("w_avg", tensor("mapping.w_avg")), layers,
        dict("z_dim", c.zDim(), "c_dim", c.cDim(), "w_dim", c.wDim(), "num_ws", c.numWs(),
            "num_layers", c.mapping().numLayers(), "w_avg_beta", c.mapping().wAvgBeta()),
        new Object[0],
        dict("z_dim", c.zDim(), "c_dim", c.cDim(), "w_dim", c.wDim(), "num_ws", c.numWs(),
            "num_layers", c.mapping().numLayers()));
  }

  private Object synthesis() {
    GeneratorConfig c = model.config();
    Map<Object, Object> blocks = new LinkedHashMap<>();
    for (SynthesisBlock block : model.plan().blocks()) {
      blocks.put("b" + block.resolution(), block(block));
    }
    Map<Object, Object> kwargs =
        dict("w_dim", c.wDim(), "img_resolution", c.imgResolution(), "img_channels", c.imgChannels(),
            "channel_base", c.synthesis().channelBase(), "channel_max", c.synthesis().channelMax(),
            "num_fp16_res", c.synthesis().numFp16Res());
    c.synthesis().convClamp().ifPresent(clamp -> kwargs.put("conv_clamp", pythonNumber(clamp)));
    return module(
        "SynthesisNetwork", Map.of(), Map.of(), blocks,
        dict("w_dim", c.wDim(), "img_resolution", c.imgResolution(),
            "img_resolution_log2", Integer.numberOfTrailingZeros(c.imgResolution()), "img_channels",
            c.imgChannels(), "block_resolutions", new ArrayList<Object>(c.blockResolutions()), "num_ws", c.numWs()),
        new Object[0], kwargs);
  }

  private Object block(SynthesisBlock block) {
    GeneratorConfig c = model.config();
    int r = block.resolution();
    int log2 = Integer.numberOfTrailingZeros(c.imgResolution());
    boolean fp16 = r >= Math.max(1 << (log2 + 1 - c.synthesis().numFp16Res()), 8);
    Map<Object, Object> layers = new LinkedHashMap<>();
    for (ModulatedConv conv : block.convs()) {
      layers.put(conv.name().substring(block.name().length() + 1), layer(conv));
    }
    layers.put("torgb", toRgb(block.torgb()));
    Map<Object, Object> kwargs =
        dict("w_dim", c.wDim(), "resolution", r, "img_channels", c.imgChannels(), "is_last", r == c.imgResolution(),
            "use_fp16", fp16);
    c.synthesis().convClamp().ifPresent(clamp -> kwargs.put("conv_clamp", pythonNumber(clamp)));
    return module(
        "SynthesisBlock", block.isFirst() ? dict("const", parameter(block.constant())) : Map.of(),
        dict("resample_filter", tensor(block.name() + ".resample_filter")), layers,
        dict("in_channels", block.inChannels(), "w_dim", c.wDim(), "resolution", r, "img_channels", c.imgChannels(),
            "is_last", r == c.imgResolution(), "architecture", "skip", "use_fp16", fp16, "channels_last", false,
            "num_conv", block.convs().size(), "num_torgb", 1),
        new Object[] {block.inChannels(), block.outChannels()}, kwargs);
  }

  private Object layer(ModulatedConv conv) {
    Map<Object, Object> params = dict("weight", parameter(conv.weight()));
    Map<Object, Object> buffers = dict("resample_filter", tensor(conv.name() + ".resample_filter"));
    if (conv.noise()) {
      params.put("noise_strength", parameter(conv.noiseStrength()));
      buffers.put("noise_const", tensor(conv.noiseConst()));
    }
    params.put("bias", parameter(conv.bias()));
    Map<Object, Object> kwargs = dict("w_dim", model.config().wDim(), "resolution", conv.resolution());
    if (conv.up()) {
      kwargs.put("up", 2);
      kwargs.put("resample_filter", new ArrayList<Object>(pythonNumbers(model.config().synthesis().resampleFilter())));
    }
    conv.clamp().ifPresent(clamp -> kwargs.put("conv_clamp", pythonNumber(clamp)));
    kwargs.put("channels_last", false);
    Map<Object, Object> attributes =
        dict("resolution", conv.resolution(), "up", conv.up() ? 2 : 1, "use_noise", conv.noise(), "activation",
            "lrelu", "conv_clamp", conv.clamp().isPresent() ? pythonNumber(conv.clamp().getAsDouble()) : null,
            "padding", conv.kernelSize() / 2, "act_gain", LRELU_GAIN);
    return module("SynthesisLayer", params, buffers, dict("affine", dense(conv.affine(), dict("bias_init", 1))),
        attributes, new Object[] {conv.inChannels(), conv.outChannels()}, kwargs);
  }

  private Object toRgb(ModulatedConv torgb) {
    Object clamp = torgb.clamp().isPresent() ? pythonNumber(torgb.clamp().getAsDouble()) : null;
    return module(
        "ToRGBLayer", dict("weight", parameter(torgb.weight()), "bias", parameter(torgb.bias())), Map.of(),
        dict("affine", dense(torgb.affine(), dict("bias_init", 1))),
        dict("conv_clamp", clamp, "weight_gain", float64(torgb.styleGain())),
        new Object[] {torgb.inChannels(), torgb.outChannels()},
        dict("w_dim", model.config().wDim(), "conv_clamp", clamp, "channels_last", false));
  }

  private Object dense(DenseLayer layer, Map<Object, Object> kwargs) {
    return module(
        "FullyConnectedLayer", dict("weight", parameter(layer.weight()), "bias", parameter(layer.bias())), Map.of(),
        Map.of(),
        dict("activation", layer.activation().name().toLowerCase(java.util.Locale.ROOT), "weight_gain",
            float64(layer.weightGain()), "bias_gain", pythonNumber(layer.biasGain())),
        new Object[] {layer.inFeatures(), layer.outFeatures()}, kwargs);
  }

  /** A module as {@code torch_utils.persistence} pickles it; {@code state} is the module's {@code __dict__}. */
  private static Object module(
      String className, Map<?, ?> parameters, Map<?, ?> buffers, Map<?, ?> modules, Map<?, ?> attributes,
      Object[] initArgs, Map<?, ?> initKwargs) {
    Map<Object, Object> state = new LinkedHashMap<>();
    state.put("training", false);
    state.put("_parameters", TorchValues.orderedDict(parameters));
    state.put("_buffers", TorchValues.orderedDict(buffers));
    state.put("_non_persistent_buffers_set", new HashSet<>());
    for (String hooks : List.of("_backward_hooks", "_is_full_backward_hook", "_forward_hooks", "_forward_pre_hooks",
        "_state_dict_hooks", "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks")) {
      state.put(hooks, hooks.equals("_is_full_backward_hook") ? null : TorchValues.orderedDict(Map.of()));
    }
    state.put("_modules", TorchValues.orderedDict(modules));
    state.putAll(attributes);
    state.put("_init_args", initArgs);
    state.put("_init_kwargs", initKwargs);
    Map<Object, Object> meta =
        dict("type", "class", "version", 6, "module_src", MODULE_SOURCE, "class_name", className, "state", state);
    return new Reduce(PERSISTENT_OBJ, new Object[] {meta}, null, null);
  }

  private Object parameter(String name) {
    Object[] args = {tensor(name), false, TorchValues.orderedDict(Map.of())};
    return new Reduce(REBUILD_PARAMETER, args, null, null);
  }

  /** A contiguous float32 tensor over a storage of its own, as {@code torch.Tensor.__reduce_ex__} writes it. */
  private Object tensor(String name) {
    Tensor t = model.tensor(name);
    String key = Long.toString(nextStorageKey += 512);
    byte[] stream = storageStream("FloatStorage", t.size(), t.toLittleEndianBytes(), key);
    return TorchValues.contiguousTensor(new Reduce(LOAD_FROM_BYTES, new Object[] {stream}, null, null), t.shape());
  }

  /** {@code numpy.float64(value)}: {@code numpy.core.multiarray.scalar(dtype('f8'), <8 bytes>)}. */
  private static Reduce float64(double value) {
    byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array();
    return new Reduce(SCALAR, new Object[] {FLOAT64, bytes}, null, null);
  }

  /** A Python int where the value is integral (as NVIDIA's configurations write them), else a float. */
  private static Object pythonNumber(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1 << 30 ? (Object) (int) value : (Object) value;
  }

  private static List<Object> pythonNumbers(Collection<Double> values) {
    return values.stream().map(GeneratorPickleWriter::pythonNumber).toList();
  }

  private static Map<Object, Object> dict(Object... keysAndValues) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
