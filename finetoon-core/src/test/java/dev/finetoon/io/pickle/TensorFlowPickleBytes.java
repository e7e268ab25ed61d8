package dev.finetoon.io.pickle;

import dev.finetoon.Tensor;
import dev.finetoon.io.pickle.PickleBytes.Build;
import dev.finetoon.io.pickle.PickleBytes.Call;
import dev.finetoon.io.pickle.PickleBytes.Global;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a model as NVIDIA's TensorFlow StyleGAN2 pickles hold it, for tests: a tuple {@code (G, D, Gs)} of network
 * states (here G = D = Gs, one object memoized would be closer, but three copies are what the reader must cope with),
 * variables as numpy 1.x arrays and scalars, in the inverse of {@code legacy.py}'s conversion.
 */
public final class TensorFlowPickleBytes {
  private static final Global NETWORK = new Global("dnnlib.tflib.network", "Network");
  private static final Global RECONSTRUCT = new Global("numpy.core.multiarray", "_reconstruct");
  private static final Global NDARRAY = new Global("numpy", "ndarray");
  private static final Global SCALAR = new Global("numpy.core.multiarray", "scalar");

  private TensorFlowPickleBytes() {}

  /** The pickle (protocol 3) of {@code (G, D, Gs)}, every one of them {@code model} as TensorFlow stores it. */
  public static byte[] tuple(StyleGanModel model) {
    Object gs = network(model);
    return PickleBytes.pickle(3, new Object[] {gs, gs, gs});
  }

  private static Object network(StyleGanModel model) {
    GeneratorConfig c = model.config();
    List<Object> mapping = new ArrayList<>();
    for (int i = 0; i < c.mapping().numLayers(); i++) {
      mapping.add(variable("Dense" + i + "/weight", transpose(model.tensor("mapping.fc" + i + ".weight"))));
      mapping.add(variable("Dense" + i + "/bias", model.tensor("mapping.fc" + i + ".bias")));
    }
    List<Object> synthesis = new ArrayList<>();
    LayerPlan plan = model.plan();
    int noise = 0;
    for (SynthesisBlock block : plan.blocks()) {
      for (ModulatedConv layer : block.layers()) {
        if (layer.noise()) {
          Tensor n = model.tensor(layer.noiseConst());
          synthesis.add(variable("noise" + noise++, n.reshape(1, 1, n.dim(0), n.dim(1))));
        }
      }
    }
    Tensor constant = model.tensor("synthesis.b4.const");
    synthesis.add(variable("4x4/Const/const", constant.reshape(1, constant.dim(0), 4, 4)));
    for (SynthesisBlock block : plan.blocks()) {
      String r = block.resolution() + "x" + block.resolution() + "/";
      for (ModulatedConv layer : block.layers()) {
        String name = r + (layer.name().endsWith(".torgb") ? "ToRGB/" : block.isFirst() ? "Conv/"
            : layer.up() ? "Conv0_up/" : "Conv1/");
        synthesis.add(variable(name + "weight", oihwToHwio(model.tensor(layer.weight()), layer.up())));
        synthesis.add(variable(name + "mod_weight", transpose(model.tensor(layer.affine().weight()))));
        float[] modBias = model.tensor(layer.affine().bias()).toArray();
        for (int i = 0; i < modBias.length; i++) {
          modBias[i] -= 1;
        }
        synthesis.add(variable(name + "mod_bias", Tensor.of(modBias, modBias.length)));
        if (layer.noise()) {
          synthesis.add(new Object[] {name + "noise_strength", scalar(model.tensor(layer.noiseStrength()).get())});
        }
        synthesis.add(variable(name + "bias", model.tensor(layer.bias())));
      }
    }
    Map<Object, Object> kwargs = PickleBytes.dict("num_channels", c.imgChannels(), "resolution", c.imgResolution(),
        "label_size", 0, "fmap_base", c.synthesis().channelBase() / 2, "fmap_max", c.synthesis().channelMax(),
        "latent_size", c.zDim(), "dlatent_size", c.wDim(), "mapping_layers", c.mapping().numLayers(),
        "mapping_fmaps", c.mapping().layerFeatures(), "num_fp16_res", c.synthesis().numFp16Res());
    c.synthesis().convClamp().ifPresent(clamp -> kwargs.put("conv_clamp", (int) clamp));
    List<Object> own = new ArrayList<>();
    own.add(variable("dlatent_avg", model.tensor(LayerPlan.W_AVG)));
    Map<Object, Object> components = new LinkedHashMap<>();
    components.put("synthesis", state("G_synthesis", Map.of(), Map.of(), synthesis));
    components.put("mapping", state("G_mapping", Map.of(), Map.of(), mapping));
    return state("Gs", kwargs, components, own);
  }

  private static Object state(String name, Map<?, ?> kwargs, Map<?, ?> components, List<Object> variables) {
    Map<Object, Object> state = PickleBytes.dict("version", 4, "name", name, "static_kwargs", kwargs,
        "components", components, "build_module_src", "# module source (placeholder)\n",
        "build_func_name", name.equals("Gs") ? "G_main" : name, "variables", variables);
    return new Build(new Call(NETWORK), state);
  }

  private static Object[] variable(String name, Tensor value) {
    Object[] shape = new Object[value.rank()];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = value.dim(d);
    }
    Object array = new Build(new Call(RECONSTRUCT, NDARRAY, new Object[] {0}, new byte[] {'b'}),
        new Object[] {1, shape, float32(), false, value.toLittleEndianBytes()});
    return new Object[] {name, array};
  }

  private static Object scalar(float value) {
    byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
    return new Call(SCALAR, float32(), bytes);
  }

  private static Object float32() {
    return new Build(new Call("numpy.dtype", "f4", false, true), new Object[] {3, "<", null, null, null, -1, -1, 0});
  }

  private static Tensor transpose(Tensor t) {
    try {
      return TensorFlowPickleReader.transpose2d(t);
    } catch (dev.finetoon.ModelFormatException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** {@code [O, I, kh, kw]} → TensorFlow's {@code [kh, kw, I, O]}, spatially flipped for {@code Conv0_up}. */
  private static Tensor oihwToHwio(Tensor t, boolean flip) {
    int o = t.dim(0);
    int in = t.dim(1);
    int kh = t.dim(2);
    int kw = t.dim(3);
    float[] src = t.toArray();
    float[] out = new float[src.length];
    for (int j = 0; j < o; j++) {
      for (int i = 0; i < in; i++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            int ty = flip ? kh - 1 - y : y;
            int tx = flip ? kw - 1 - x : x;
            out[((ty * kw + tx) * in + i) * o + j] = src[((j * in + i) * kh + y) * kw + x];
          }
        }
      }
    }
    return Tensor.adopt(out, kh, kw, in, o);
  }
}
