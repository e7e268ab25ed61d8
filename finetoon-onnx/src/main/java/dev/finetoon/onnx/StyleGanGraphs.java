package dev.finetoon.onnx;

import static dev.finetoon.onnx.OnnxGraphBuilder.floatAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.intAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.intsAttr;

import dev.finetoon.Tensor;
import dev.finetoon.model.Activation;
import dev.finetoon.model.DenseLayer;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.util.List;
import java.util.function.Function;

/**
 * Lowers a {@link StyleGanModel} to ONNX graphs by walking its {@link LayerPlan}: one graph for the mapping network
 * and one per synthesis block, in NVIDIA's float32 arithmetic (unfused modulated convolution, which batches).
 *
 * <p>Graph interfaces (N is dynamic):
 *
 * <ul>
 *   <li>mapping: {@code z [N, z_dim]}, {@code c [N, c_dim]} (conditional models only), {@code truncation_psi [1]},
 *       {@code truncation_cutoff [1]} (the number of leading ws to truncate, as a float) → {@code ws [N, num_ws,
 *       w_dim]};
 *   <li>block {@code bR}: {@code x [N, C_in, R/2, R/2]} and {@code img [N, C_img, R/2, R/2]} (absent for b4),
 *       {@code ws [N, k, w_dim]} (the block's k consecutive ws), one {@code noise_convI [B, 1, R, R]} per conv when the
 *       model uses noise (B = 1 broadcasts) → {@code x_out [N, C, R, R]}, {@code img_out [N, C_img, R, R]}.
 * </ul>
 */
final class StyleGanGraphs {
  static final String X = "x";
  static final String IMG = "img";
  static final String WS = "ws";
  static final String X_OUT = "x_out";
  static final String IMG_OUT = "img_out";
  static final String Z = "z";
  static final String C = "c";
  static final String PSI = "truncation_psi";
  static final String CUTOFF = "truncation_cutoff";

  private StyleGanGraphs() {}

  /** The noise input name of a conv layer, e.g. {@code noise_conv0}. */
  static String noiseInput(ModulatedConv layer) {
    return "noise_" + layer.name().substring(layer.name().lastIndexOf('.') + 1);
  }

  /** The mapping network as its own graph. */
  static OnnxGraphBuilder mapping(StyleGanModel model) {
    OnnxGraphBuilder g = new OnnxGraphBuilder();
    lowerMapping(g, model, WS);
    g.output(WS, -1, model.config().numWs(), model.config().wDim());
    return g;
  }

  /** One synthesis block as its own graph. */
  static OnnxGraphBuilder block(StyleGanModel model, SynthesisBlock block) {
    GeneratorConfig config = model.config();
    int r = block.resolution();
    OnnxGraphBuilder g = new OnnxGraphBuilder();
    if (!block.isFirst()) {
      g.input(X, -1, block.inChannels(), r / 2, r / 2).input(IMG, -1, config.imgChannels(), r / 2, r / 2);
    }
    g.input(WS, -1, block.numWs(), config.wDim());
    for (ModulatedConv layer : block.convs()) {
      if (layer.noise()) {
        g.input(noiseInput(layer), -1, 1, r, r);
      }
    }
    String[] out =
        lowerBlock(g, model, block, block.isFirst() ? null : X, block.isFirst() ? null : IMG, WS,
            StyleGanGraphs::noiseInput);
    g.node(X_OUT, "Identity", List.of(out[0]));
    g.node(IMG_OUT, "Identity", List.of(out[1]));
    g.output(X_OUT, -1, block.outChannels(), r, r).output(IMG_OUT, -1, config.imgChannels(), r, r);
    return g;
  }

  /**
   * The whole generator as one graph for other ONNX runtimes: inputs {@code z} ({@code c}), {@code truncation_psi},
   * {@code truncation_cutoff}, and one {@code noise_bR_convI [B, 1, R, R]} per conv; output {@code img}.
   */
  static OnnxGraphBuilder whole(StyleGanModel model) {
    GeneratorConfig config = model.config();
    OnnxGraphBuilder g = new OnnxGraphBuilder();
    String ws = lowerMapping(g, model, g.uniqueName(WS));
    for (SynthesisBlock block : model.plan().blocks()) {
      for (ModulatedConv layer : block.convs()) {
        if (layer.noise()) {
          g.input(wholeNoiseInput(layer), -1, 1, block.resolution(), block.resolution());
        }
      }
    }
    String x = null;
    String img = null;
    for (SynthesisBlock block : model.plan().blocks()) {
      String slice =
          g.node(
              "Slice",
              List.of(
                  ws,
                  g.constantInts(block.firstWIndex()),
                  g.constantInts(block.firstWIndex() + block.numWs()),
                  g.constantInts(1)));
      String[] out = lowerBlock(g, model, block, x, img, slice, StyleGanGraphs::wholeNoiseInput);
      x = out[0];
      img = out[1];
    }
    g.node(IMG, "Identity", List.of(img));
    g.output(IMG, -1, config.imgChannels(), config.imgResolution(), config.imgResolution());
    return g;
  }

  /** The noise input of a conv layer in the whole-generator graph, e.g. {@code noise_b64_conv0}. */
  static String wholeNoiseInput(ModulatedConv layer) {
    return "noise_" + layer.name().substring("synthesis.".length()).replace('.', '_');
  }

  /** Declares the mapping inputs and writes ws {@code [N, num_ws, w_dim]}, truncated, under {@code output}. */
  private static String lowerMapping(OnnxGraphBuilder g, StyleGanModel model, String output) {
    LayerPlan plan = model.plan();
    GeneratorConfig config = model.config();
    g.input(PSI, 1).input(CUTOFF, 1);
    String x = null;
    if (config.zDim() > 0) {
      g.input(Z, -1, config.zDim());
      x = normalize2ndMoment(g, Z);
    }
    if (plan.embed().isPresent()) {
      g.input(C, -1, config.cDim());
      String y = normalize2ndMoment(g, dense(g, model, plan.embed().get(), C));
      x = x == null ? y : g.node("Concat", List.of(x, y), intAttr("axis", 1));
    }
    for (DenseLayer layer : plan.mapping()) {
      x = dense(g, model, layer, x);
    }
    int numWs = config.numWs();
    String broadcast =
        g.node("Expand", List.of(g.node("Unsqueeze", List.of(x, g.constantInts(1))), g.constantInts(1, numWs, 1)));
    // w_avg.lerp(w, ψ) on the ws whose index is below the cutoff.
    String wAvg = g.initializer(LayerPlan.W_AVG, model.tensor(LayerPlan.W_AVG));
    String truncated =
        g.node("Add", List.of(wAvg, g.node("Mul", List.of(PSI, g.node("Sub", List.of(broadcast, wAvg))))));
    float[] index = new float[numWs];
    for (int i = 0; i < numWs; i++) {
      index[i] = i;
    }
    String wIndex = g.initializer("w_index", Tensor.of(index, 1, numWs, 1));
    String keep = g.node("Less", List.of(wIndex, CUTOFF));
    return g.node(output, "Where", List.of(keep, truncated, broadcast));
  }

  /** Writes one block; {@code x} and {@code img} are null for b4. Returns the names of the new x and img. */
  private static String[] lowerBlock(
      OnnxGraphBuilder g,
      StyleGanModel model,
      SynthesisBlock block,
      String x,
      String img,
      String ws,
      Function<ModulatedConv, String> noiseInputs) {
    if (block.isFirst()) {
      x = g.initializer(block.constant(), model.tensor(block.constant()).reshape(1, block.outChannels(), 4, 4));
    }
    for (ModulatedConv layer : block.convs()) {
      String noise = layer.noise() ? noiseInputs.apply(layer) : null;
      x = modulatedConv(g, model, layer, x, w(g, ws, layer.wIndex() - block.firstWIndex()), noise);
    }
    ModulatedConv torgb = block.torgb();
    String y = modulatedConv(g, model, torgb, x, w(g, ws, torgb.wIndex() - block.firstWIndex()), null);
    if (img != null) {
      Tensor filter = model.tensor(block.name() + ".resample_filter");
      y = g.node("Add", List.of(upsample2d(g, filter, img, model.config().imgChannels(), block.resolution() / 2), y));
    }
    return new String[] {x, y};
  }

  /** The i-th w of a block's slice: {@code ws[:, i, :]}. */
  private static String w(OnnxGraphBuilder g, String ws, int i) {
    return g.node("Gather", List.of(ws, g.constantInt(i)), intAttr("axis", 1));
  }

  /** {@code x · rsqrt(mean(x², dim=1) + 1e-8)}. */
  private static String normalize2ndMoment(OnnxGraphBuilder g, String x) {
    String meanSquare =
        g.node("ReduceMean", List.of(g.node("Mul", List.of(x, x))), intsAttr("axes", 1), intAttr("keepdims", 1));
    String eps = g.constantFloat(1e-8f);
    return g.node("Mul",
        List.of(x, g.node("Reciprocal", List.of(g.node("Sqrt", List.of(g.node("Add", List.of(meanSquare, eps))))))));
  }

  /** NVIDIA's FullyConnectedLayer: {@code act(x·(W·g)ᵀ + b·bias_gain)}, gains folded into the stored weights. */
  private static String dense(OnnxGraphBuilder g, StyleGanModel model, DenseLayer layer, String x) {
    Tensor weight = scaledTranspose(model.tensor(layer.weight()), (float) layer.weightGain());
    Tensor bias = scaled(model.tensor(layer.bias()), (float) layer.biasGain());
    String y =
        g.node(
            "Add",
            List.of(
                g.node("MatMul", List.of(x, g.initializer(layer.weight(), weight))),
                g.initializer(layer.bias(), bias)));
    return activate(g, layer.activation(), y);
  }

  private static String activate(OnnxGraphBuilder g, Activation activation, String x) {
    if (activation == Activation.LINEAR) {
      return x;
    }
    String relu = g.node("LeakyRelu", List.of(x), floatAttr("alpha", (float) Activation.LRELU_ALPHA));
    return g.node("Mul", List.of(relu, g.constantFloat((float) activation.gain())));
  }

  /**
   * NVIDIA's {@code modulated_conv2d} (unfused) followed by noise and {@code bias_act}: see {@link ModulatedConv}.
   * Returns the layer's output.
   */
  private static String modulatedConv(
      OnnxGraphBuilder g, StyleGanModel model, ModulatedConv layer, String x, String w, String noise) {
    Tensor weight = model.tensor(layer.weight());
    String styles = dense(g, model, layer.affine(), w);
    if (layer.styleGain() != 1.0) {
      styles = g.node("Mul", List.of(styles, g.constantFloat((float) layer.styleGain())));
    }
    String modulated = g.node("Mul", List.of(x, g.node("Unsqueeze", List.of(styles, g.constantInts(2, 3)))));
    String y;
    if (layer.up()) {
      String transposed = g.initializer(layer.weight(), swapInOut(weight));
      y = g.node("ConvTranspose", List.of(modulated, transposed), intsAttr("strides", 2, 2));
      y = firFilter(g, model.tensor(layer.name() + ".resample_filter"), y, layer.outChannels(), 1, 1, 4f);
    } else {
      int pad = layer.kernelSize() / 2;
      y = g.node("Conv", List.of(modulated, g.initializer(layer.weight(), weight)),
          intsAttr("pads", pad, pad, pad, pad));
    }
    if (layer.demodulate()) {
      String squares = g.initializer(layer.name() + ".weight_sq", sumSquaresTransposed(weight));
      String demod =
          g.node(
              "Reciprocal",
              List.of(
                  g.node(
                      "Sqrt",
                      List.of(
                          g.node(
                              "Add",
                              List.of(
                                  g.node("MatMul", List.of(g.node("Mul", List.of(styles, styles)), squares)),
                                  g.constantFloat(1e-8f)))))));
      y = g.node("Mul", List.of(y, g.node("Unsqueeze", List.of(demod, g.constantInts(2, 3)))));
    }
    if (layer.noise()) {
      String strength = g.initializer(layer.noiseStrength(), model.tensor(layer.noiseStrength()));
      y = g.node("Add", List.of(y, g.node("Mul", List.of(noise, strength))));
    }
    Tensor bias = model.tensor(layer.bias());
    y = g.node("Add", List.of(y, g.initializer(layer.bias(), bias.reshape(1, bias.size(), 1, 1))));
    y = activate(g, layer.activation(), y);
    if (layer.clamp().isPresent()) {
      float c = (float) layer.clamp().getAsDouble();
      y = g.node("Clip", List.of(y, g.constantFloat(-c), g.constantFloat(c)));
    }
    return y;
  }

  /** NVIDIA's {@code upsample2d}: insert zeros (×2), pad (2, 1), filter with f·4. */
  private static String upsample2d(OnnxGraphBuilder g, Tensor filter, String x, int channels, int size) {
    String spread = g.node("Unsqueeze", List.of(x, g.constantInts(3, 5)));
    String zeros = g.node("Pad", List.of(spread, g.constantInts(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1)));
    String upsampled = g.node("Reshape", List.of(zeros, g.constantInts(0, channels, 2 * size, 2 * size)));
    return firFilter(g, filter, upsampled, channels, 2, 1, 4f);
  }

  /** {@code upfirdn2d} without resampling: pad (before, after) on both axes, then a depthwise FIR · gain. */
  private static String firFilter(
      OnnxGraphBuilder g, Tensor filter, String x, int channels, int before, int after, float gain) {
    int k = filter.dim(0);
    float[] f = filter.toArray();
    float[] kernel = new float[channels * k * k];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < k * k; i++) {
        // A true convolution flips the filter; NVIDIA's filters are symmetric, but flip anyway to be exact.
        kernel[c * k * k + i] = f[k * k - 1 - i] * gain;
      }
    }
    String padded = g.node("Pad", List.of(x, g.constantInts(0, 0, before, before, 0, 0, after, after)));
    return g.node(
        "Conv",
        List.of(padded, g.initializer(g.uniqueName("fir"), Tensor.adopt(kernel, channels, 1, k, k))),
        intAttr("group", channels));
  }

  private static Tensor scaled(Tensor t, float gain) {
    float[] v = t.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] *= gain;
    }
    return Tensor.adopt(v, t.shape());
  }

  /** {@code (W·gain)ᵀ} for a {@code [out, in]} weight, as MatMul wants {@code [in, out]}. */
  private static Tensor scaledTranspose(Tensor w, float gain) {
    int out = w.dim(0);
    int in = w.dim(1);
    float[] src = w.toArray();
    float[] dst = new float[src.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        dst[i * out + o] = src[o * in + i] * gain;
      }
    }
    return Tensor.adopt(dst, in, out);
  }

  /** {@code [O, I, k, k]} to ConvTranspose's {@code [I, O, k, k]}. */
  private static Tensor swapInOut(Tensor w) {
    int out = w.dim(0);
    int in = w.dim(1);
    int kk = w.dim(2) * w.dim(3);
    float[] src = w.toArray();
    float[] dst = new float[src.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        System.arraycopy(src, (o * in + i) * kk, dst, (i * out + o) * kk, kk);
      }
    }
    return Tensor.adopt(dst, in, out, w.dim(2), w.dim(3));
  }

  /** {@code Σ_k W[o, i, k]²} as {@code [I, O]}, so that {@code s² · it} is the demodulation sum per sample. */
  private static Tensor sumSquaresTransposed(Tensor w) {
    int out = w.dim(0);
    int in = w.dim(1);
    int kk = w.dim(2) * w.dim(3);
    float[] src = w.toArray();
    float[] dst = new float[in * out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        float sum = 0;
        for (int k = 0; k < kk; k++) {
          float v = src[(o * in + i) * kk + k];
          sum += v * v;
        }
        dst[i * out + o] = sum;
      }
    }
    return Tensor.adopt(dst, in, out);
  }
}
