package dev.finetoon.onnx.encoder;

import static dev.finetoon.onnx.OnnxGraphBuilder.floatAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.intAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.intsAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.stringAttr;

import dev.finetoon.Tensor;
import dev.finetoon.encoder.EncoderArchitecture;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.encoder.EncoderNet;
import dev.finetoon.encoder.EncoderNet.BatchNorm;
import dev.finetoon.encoder.EncoderNet.Feature;
import dev.finetoon.encoder.EncoderNet.StyleBlock;
import dev.finetoon.encoder.EncoderNet.Unit;
import dev.finetoon.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A pSp / e4e encoder as one ONNX graph, walking its {@link EncoderNet} description: {@value #INPUT} {@code [N, 3,
 * 256, 256]} in [-1, 1] to {@value #CODES} (the encoder's output) and {@value #WS} (what the decoder draws, {@code
 * [N, num_ws, C]}). With {@code traces}, the feature maps c1, c2, c3, p2, p1 and the style blocks' raw outputs are
 * graph outputs too (for layer-by-layer tests).
 */
final class EncoderGraph {
  static final String INPUT = "image";
  static final String CODES = "codes";
  static final String WS = "ws";
  static final String STYLE_OUTPUTS = "style_outputs";

  private final OnnxGraphBuilder g = new OnnxGraphBuilder();
  private final EncoderModel model;
  private final boolean traces;

  private EncoderGraph(EncoderModel model, boolean traces) {
    this.model = model;
    this.traces = traces;
  }

  /** The serialized graph. */
  static byte[] build(EncoderModel model, boolean traces) {
    return new EncoderGraph(model, traces).lower();
  }

  private byte[] lower() {
    EncoderNet net = model.net();
    int size = EncoderNet.INPUT_SIZE;
    g.input(INPUT, -1, 3, size, size);
    String x = conv(INPUT, EncoderNet.INPUT_CONV, null, 1);
    x = prelu(batchNorm(x, EncoderNet.INPUT_BATCH_NORM), EncoderNet.INPUT_PRELU);
    Map<Feature, String> features = new EnumMap<>(Feature.class);
    String c1 = null;
    String c2 = null;
    List<Unit> units = net.units();
    for (int i = 0; i < units.size(); i++) {
      x = unit(x, units.get(i));
      if (i == net.c1Unit()) {
        c1 = trace("c1", x, units.get(i).depth(), size >> strides(i));
      } else if (i == net.c2Unit()) {
        c2 = trace("c2", x, units.get(i).depth(), size >> strides(i));
      }
    }
    int c3Size = size >> strides(units.size() - 1);
    String c3 = trace("c3", x, net.units().get(units.size() - 1).depth(), c3Size);
    int c = net.codeWidth();
    String codes;
    if (model.architecture().learnsInW()) {
      String pooled = g.node("ReduceMean", List.of(c3), intsAttr("axes", 2, 3), intAttr("keepdims", 0));
      codes = equalLinear(pooled, EncoderNet.LINEAR + ".weight", EncoderNet.LINEAR + ".bias");
      g.node(CODES, "Identity", List.of(codes));
      g.output(CODES, -1, c);
    } else {
      features.put(Feature.C3, c3);
      String p2 = upsampleAdd(c3, conv(c2, EncoderNet.LATLAYER_C2 + ".weight", EncoderNet.LATLAYER_C2 + ".bias", 1));
      features.put(Feature.P2, trace("p2", p2, c, 2 * c3Size));
      String p1 = upsampleAdd(p2, conv(c1, EncoderNet.LATLAYER_C1 + ".weight", EncoderNet.LATLAYER_C1 + ".bias", 1));
      features.put(Feature.P1, trace("p1", p1, c, 4 * c3Size));
      codes = styleCodes(net, features);
    }
    g.output(WS, -1, model.numWs(), c);
    wPlus(codes);
    return g.build(model.architecture().upstreamName());
  }

  /** pSp stacks the blocks' outputs; e4e adds every block after the first to the first's. */
  private String styleCodes(EncoderNet net, Map<Feature, String> features) {
    List<String> raw = new ArrayList<>();
    for (StyleBlock block : net.styles()) {
      raw.add(styleBlock(features.get(block.input()), block));
    }
    List<String> rows = new ArrayList<>();
    for (int j = 0; j < raw.size(); j++) {
      String row = raw.get(j);
      if (model.architecture() == EncoderArchitecture.ENCODER4EDITING && j > 0) {
        row = g.node("Add", List.of(raw.get(0), row));
      }
      rows.add(g.node("Unsqueeze", List.of(row, g.constantInts(1))));
    }
    if (traces) {
      g.node(STYLE_OUTPUTS, "Concat", unsqueezed(raw), intAttr("axis", 1));
      g.output(STYLE_OUTPUTS, -1, raw.size(), net.codeWidth());
    }
    g.node(CODES, "Concat", rows, intAttr("axis", 1));
    g.output(CODES, -1, raw.size(), net.codeWidth());
    return CODES;
  }

  private List<String> unsqueezed(List<String> rows) {
    List<String> out = new ArrayList<>();
    for (String row : rows) {
      out.add(g.node("Unsqueeze", List.of(row, g.constantInts(1))));
    }
    return out;
  }

  /** codes (+ latent_avg row by row), one W repeated over the decoder's rows. */
  private void wPlus(String codes) {
    Tensor avg = model.latentAvg();
    String w = codes;
    if (model.architecture().learnsInW()) {
      if (model.startFromLatentAvg()) {
        w = g.node("Add", List.of(w, g.initializer("latent_avg", avg)));
      }
      String row = g.node("Unsqueeze", List.of(w, g.constantInts(1)));
      g.node(WS, "Tile", List.of(row, g.constantInts(1, model.numWs(), 1)));
      return;
    }
    if (model.startFromLatentAvg()) {
      w = g.node("Add", List.of(w, g.initializer("latent_avg", avg.reshape(1, avg.dim(0), avg.dim(1)))));
    }
    g.node(WS, "Identity", List.of(w));
  }

  /** {@code bottleneck_IR_SE}: the residual branch plus the shortcut. */
  private String unit(String x, Unit u) {
    String r = batchNorm(x, u.batchNorm1());
    r = prelu(conv(r, u.conv1(), null, 1), u.prelu());
    r = batchNorm(conv(r, u.conv2(), null, u.stride()), u.batchNorm2());
    r = squeezeExcite(r, u);
    String shortcut;
    if (u.projects()) {
      shortcut = batchNorm(conv(x, u.shortcutConv(), null, u.stride()), u.shortcutBatchNorm());
    } else if (u.stride() == 1) {
      shortcut = x;
    } else {
      shortcut = g.node("MaxPool", List.of(x), intsAttr("kernel_shape", 1, 1),
          intsAttr("strides", u.stride(), u.stride()));
    }
    return g.node("Add", List.of(r, shortcut));
  }

  /** SEModule: {@code x · sigmoid(fc2(relu(fc1(mean_hw(x)))))}. */
  private String squeezeExcite(String x, Unit u) {
    String mean = g.node("ReduceMean", List.of(x), intsAttr("axes", 2, 3), intAttr("keepdims", 1));
    String hidden = g.node("Relu", List.of(conv(mean, u.seFc1(), null, 1)));
    String gate = g.node("Sigmoid", List.of(conv(hidden, u.seFc2(), null, 1)));
    return g.node("Mul", List.of(x, gate));
  }

  /** GradualStyleBlock: strided 3×3 convolutions with LeakyReLU(0.01) down to 1×1, flattened, EqualLinear. */
  private String styleBlock(String x, StyleBlock block) {
    String y = x;
    for (int k = 0; k < block.convs(); k++) {
      y = conv(y, block.convWeight(k), block.convBias(k), 2);
      y = g.node("LeakyRelu", List.of(y), floatAttr("alpha", (float) EncoderNet.STYLE_LEAKY_SLOPE));
    }
    String flat = g.node("Flatten", List.of(y), intAttr("axis", 1));
    return equalLinear(flat, block.linearWeight(), block.linearBias());
  }

  /**
   * rosinality's EqualLinear without activation: {@code x · (weight · lrMul / √in)ᵀ + bias · lrMul}, the scaled
   * weight made in float32 as {@code F.linear(input, self.weight * self.scale, ...)} makes it.
   */
  private String equalLinear(String x, String weightName, String biasName) {
    Tensor w = model.weight(weightName);
    int out = w.dim(0);
    int in = w.dim(1);
    float scale = (float) (EncoderNet.LR_MUL / Math.sqrt(in));
    float[] src = w.toArray();
    float[] transposed = new float[src.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        transposed[i * out + o] = src[o * in + i] * scale;
      }
    }
    float[] bias = model.weight(biasName).toArray();
    for (int o = 0; o < out; o++) {
      bias[o] *= (float) EncoderNet.LR_MUL;
    }
    String y = g.node("MatMul", List.of(x, g.initializer(weightName, Tensor.adopt(transposed, in, out))));
    return g.node("Add", List.of(y, g.initializer(biasName, Tensor.adopt(bias, out))));
  }

  /** {@code F.interpolate(x, size=y.shape[2:], mode='bilinear', align_corners=True) + y}; y is twice x's size. */
  private String upsampleAdd(String x, String y) {
    String scales = g.initializer(g.uniqueName("scales"), Tensor.of(new float[] {1, 1, 2, 2}, 4));
    String up = g.node("Resize", List.of(x, "", scales), stringAttr("mode", "linear"),
        stringAttr("coordinate_transformation_mode", "align_corners"));
    return g.node("Add", List.of(up, y));
  }

  /** A convolution without dilation; 3×3 kernels pad by 1, 1×1 by 0. */
  private String conv(String x, String weightName, String biasName, int stride) {
    Tensor w = model.weight(weightName);
    int pad = w.dim(2) / 2;
    List<String> inputs = new ArrayList<>(List.of(x, g.initializer(weightName, w)));
    if (biasName != null) {
      inputs.add(g.initializer(biasName, model.weight(biasName)));
    }
    return g.node("Conv", inputs, intsAttr("strides", stride, stride), intsAttr("pads", pad, pad, pad, pad));
  }

  /** BatchNorm2d in eval mode (running statistics). */
  private String batchNorm(String x, BatchNorm bn) {
    return g.node("BatchNormalization",
        List.of(x, g.initializer(bn.weight(), model.weight(bn.weight())), g.initializer(bn.bias(),
            model.weight(bn.bias())), g.initializer(bn.runningMean(), model.weight(bn.runningMean())),
            g.initializer(bn.runningVar(), model.weight(bn.runningVar()))),
        floatAttr("epsilon", (float) EncoderNet.BATCH_NORM_EPS));
  }

  /** PReLU with a slope per channel. */
  private String prelu(String x, String slopeName) {
    Tensor slope = model.weight(slopeName);
    return g.node("PRelu", List.of(x, g.initializer(slopeName, slope.reshape(slope.dim(0), 1, 1))));
  }

  /** Where traces are on, also a graph output named {@code name}. */
  private String trace(String name, String x, int channels, int size) {
    if (!traces) {
      return x;
    }
    g.node(name, "Identity", List.of(x));
    g.output(name, -1, channels, size, size);
    return name;
  }

  /** How many stride-2 units there are up to and including unit {@code i}. */
  private int strides(int i) {
    int n = 0;
    for (int k = 0; k <= i; k++) {
      n += Integer.numberOfTrailingZeros(model.net().units().get(k).stride());
    }
    return n;
  }
}
