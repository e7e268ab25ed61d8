package dev.finetoon.onnx.face;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.finetoon.onnx.OnnxGraphBuilder.intAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.intsAttr;

import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.face.faceapi.FaceApiWeights;
import dev.finetoon.face.faceapi.TfPadding;
import dev.finetoon.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow.js layers lowered to ONNX, for square NCHW feature maps whose size is known when the graph is built.
 * Weights arrive as TensorFlow stores them (filters {@code [kh, kw, in, out]}, depthwise filters {@code [kh, kw, C,
 * 1]}) and are transposed to ONNX's {@code [out, in, kh, kw]}. TensorFlow's {@code 'same'} padding is computed per
 * layer: {@code ceil(n / s)} outputs, and where the padding is odd the extra row and column go after (bottom and
 * right), which matters for stride 2.
 */
final class TfGraph {
  /** A value in the graph: its name, channels and (square) spatial size. */
  record Value(String name, int channels, int size) {
    Value with(String newName) {
      return new Value(newName, channels, size);
    }
  }

  enum Padding {
    SAME,
    VALID
  }

  private final OnnxGraphBuilder g;
  private final Map<String, Tensor> weights;

  TfGraph(OnnxGraphBuilder g, Map<String, Tensor> weights) {
    this.g = g;
    this.weights = weights;
  }

  OnnxGraphBuilder builder() {
    return g;
  }

  /** A weight by its tfjs name, with the rank the layer needs. */
  Tensor weight(String name, int rank) throws ModelFormatException {
    Tensor t = weights.get(name);
    if (t == null) {
      throw new ModelFormatException("face-api weights lack " + name);
    }
    if (t.rank() != rank) {
      throw new ModelFormatException("face-api weight " + name + " has rank " + t.rank() + ", expected " + rank);
    }
    return t;
  }

  /** {@code (x − mean) / 255} per RGB channel, as face-api's {@code normalize(x, meanRgb).div(255)}. */
  Value normalize(Value x, double[] meanRgb) {
    float[] mean = new float[meanRgb.length];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) meanRgb[i];
    }
    String m = g.initializer(g.uniqueName("mean_rgb"), Tensor.of(mean, 1, mean.length, 1, 1));
    String centred = g.node("Sub", List.of(x.name(), m));
    return x.with(g.node("Div", List.of(centred, g.constantFloat(255f))));
  }

  /** {@code tf.conv2d(x, filters, stride, padding) + bias}. */
  Value conv(Value x, String prefix, int stride, Padding padding) throws ModelFormatException {
    Tensor filters = weight(prefix + "/filters", 4);
    checkChannels(prefix, filters.dim(2), x);
    int k = filters.dim(0);
    String w = g.initializer(prefix + "/filters", FaceApiWeights.hwioToOihw(filters));
    String b = g.initializer(prefix + "/bias", weight(prefix + "/bias", 1));
    int[] pads = pads(x.size(), k, stride, padding);
    String y = g.node("Conv", List.of(x.name(), w, b), intsAttr("strides", stride, stride), padsAttr(pads));
    return new Value(y, filters.dim(3), outSize(x.size(), k, stride, pads));
  }

  /** {@code tf.separableConv2d(x, depthwise_filter, pointwise_filter, stride, padding) + bias}. */
  Value separableConv(Value x, String prefix, int stride, Padding padding) throws ModelFormatException {
    Tensor depthwise = weight(prefix + "/depthwise_filter", 4);
    Tensor pointwise = weight(prefix + "/pointwise_filter", 4);
    checkChannels(prefix, depthwise.dim(2), x);
    int k = depthwise.dim(0);
    int[] pads = pads(x.size(), k, stride, padding);
    String dw = g.initializer(
        prefix + "/depthwise_filter", FaceApiWeights.hwioToOihw(depthwise).reshape(x.channels(), 1, k, k));
    String d = g.node("Conv", List.of(x.name(), dw), intsAttr("strides", stride, stride), padsAttr(pads),
        intAttr("group", x.channels()));
    String pw = g.initializer(prefix + "/pointwise_filter", FaceApiWeights.hwioToOihw(pointwise));
    String b = g.initializer(prefix + "/bias", weight(prefix + "/bias", 1));
    return new Value(g.node("Conv", List.of(d, pw, b)), pointwise.dim(3), outSize(x.size(), k, stride, pads));
  }

  /** {@code tf.maxPool(x, k, stride, padding)}; TensorFlow's padding never wins a max, like ONNX's. */
  Value maxPool(Value x, int k, int stride, Padding padding) {
    int[] pads = pads(x.size(), k, stride, padding);
    String y = g.node("MaxPool", List.of(x.name()), intsAttr("kernel_shape", k, k), intsAttr("strides", stride, stride),
        padsAttr(pads));
    return new Value(y, x.channels(), outSize(x.size(), k, stride, pads));
  }

  /** {@code tf.avgPool(x, k, stride, 'valid')}. */
  Value avgPool(Value x, int k, int stride) {
    String y =
        g.node("AveragePool", List.of(x.name()), intsAttr("kernel_shape", k, k), intsAttr("strides", stride, stride));
    return new Value(y, x.channels(), (x.size() - k) / stride + 1);
  }

  /** {@code x·weights + biases} per channel (face-api's scale layer). */
  Value scale(Value x, String prefix) throws ModelFormatException {
    String w = g.initializer(prefix + "/weights", perChannel(weight(prefix + "/weights", 1)));
    String b = g.initializer(prefix + "/biases", perChannel(weight(prefix + "/biases", 1)));
    return x.with(g.node("Add", List.of(g.node("Mul", List.of(x.name(), w)), b)));
  }

  Value relu(Value x) {
    return x.with(g.node("Relu", List.of(x.name())));
  }

  /**
   * face-api's {@code leaky}, {@code relu(x − 0.1x) + 0.1x}, written out: ONNX's LeakyRelu(0.1) rounds differently
   * (1.7e-5 apart on the detector's raw output).
   */
  Value leaky(Value x) {
    String min = g.node("Mul", List.of(x.name(), g.constantFloat(0.10000000149011612f)));
    String relu = g.node("Relu", List.of(g.node("Sub", List.of(x.name(), min))));
    return x.with(g.node("Add", List.of(relu, min)));
  }

  Value add(Value a, Value b) {
    checkArgument(a.channels() == b.channels() && a.size() == b.size(), "cannot add %s and %s", a, b);
    return a.with(g.node("Add", List.of(a.name(), b.name())));
  }

  /** Zeros after the last row and column, up to {@code size}. */
  Value padBottomRight(Value x, int size) {
    int extra = size - x.size();
    String y = g.node("Pad", List.of(x.name(), g.constantInts(0, 0, 0, 0, 0, 0, extra, extra)));
    return new Value(y, x.channels(), size);
  }

  /** Zero channels after the last one, up to {@code channels}. */
  Value padChannels(Value x, int channels) {
    String y = g.node("Pad", List.of(x.name(), g.constantInts(0, 0, 0, 0, 0, channels - x.channels(), 0, 0)));
    return new Value(y, channels, x.size());
  }

  /** {@code [N, C, 1, 1]} (or the spatial mean, for a larger map) flattened to {@code [N, C]}. */
  Value spatialMean(Value x) {
    String mean = g.node("ReduceMean", List.of(x.name()), intsAttr("axes", 2, 3), intAttr("keepdims", 0));
    return new Value(mean, x.channels(), 0);
  }

  /** {@code x·weights (+ bias)} on {@code [N, C]} features. */
  Value dense(Value x, String weightName, String biasName) throws ModelFormatException {
    Tensor w = weight(weightName, 2);
    checkArgument(w.dim(0) == x.channels(), "%s expects %s inputs, got %s", weightName, w.dim(0), x.channels());
    String y = g.node("MatMul", List.of(x.name(), g.initializer(weightName, w)));
    if (biasName != null) {
      y = g.node("Add", List.of(y, g.initializer(biasName, weight(biasName, 1))));
    }
    return new Value(y, w.dim(1), 0);
  }

  private static void checkChannels(String prefix, int expected, Value x) throws ModelFormatException {
    if (expected != x.channels()) {
      throw new ModelFormatException(prefix + " expects " + expected + " input channels, got " + x.channels());
    }
  }

  /** {top, left, bottom, right}, as {@link TfPadding} says for 'same'. */
  private static int[] pads(int n, int k, int stride, Padding padding) {
    if (padding == Padding.VALID) {
      return new int[] {0, 0, 0, 0};
    }
    int[] same = TfPadding.same(n, k, stride);
    return new int[] {same[0], same[0], same[1], same[1]};
  }

  private static int outSize(int n, int k, int stride, int[] pads) {
    return (n + pads[0] + pads[2] - k) / stride + 1;
  }

  private static AttributeProto padsAttr(int[] p) {
    return intsAttr("pads", p[0], p[1], p[2], p[3]);
  }

  private static Tensor perChannel(Tensor t) {
    return t.reshape(1, t.size(), 1, 1);
  }
}
