package dev.finetoon.onnx;

import static dev.finetoon.onnx.OnnxGraphBuilder.floatAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.intAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.intsAttr;
import static dev.finetoon.onnx.OnnxGraphBuilder.stringAttr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Runs the operators the generator graphs use and checks them against plain Java loops. */
class OnnxOpsTest {
  private static final float TOLERANCE = 1e-5f;
  private static final SessionSettings CPU = SessionSettings.builder().preferCuda(false).build();

  private final Random random = new Random(42);

  @Test
  void matMulPlusBiasWithDynamicBatch() {
    Tensor w = randomTensor(3, 4);
    Tensor b = randomTensor(4);
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, 3).output("y", -1, 4);
    String xw = g.node("MatMul", List.of("x", g.initializer("w", w)));
    g.node("y", "Add", List.of(xw, g.initializer("b", b)));

    try (OnnxSession session = OnnxSession.open(g.build("dense"), CPU)) {
      for (int n : new int[] {1, 5}) {
        Tensor x = randomTensor(n, 3);
        float[] expected = new float[n * 4];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < 4; j++) {
            float sum = b.get(j);
            for (int k = 0; k < 3; k++) {
              sum += x.get(i, k) * w.get(k, j);
            }
            expected[i * 4 + j] = sum;
          }
        }
        assertClose(session.run(Map.of("x", x)).get("y"), Tensor.of(expected, n, 4));
      }
    }
  }

  @Test
  void depthwiseConvWithPadding() {
    int c = 3;
    int h = 5;
    int wd = 4;
    Tensor weight = randomTensor(c, 1, 3, 3);
    Tensor bias = randomTensor(c);
    Tensor x = randomTensor(2, c, h, wd);
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, c, h, wd).output("y", -1, c, h, wd);
    g.node(
        "y",
        "Conv",
        List.of("x", g.initializer("w", weight), g.initializer("b", bias)),
        intAttr("group", c),
        intsAttr("kernel_shape", 3, 3),
        intsAttr("pads", 1, 1, 1, 1));

    float[] expected = new float[2 * c * h * wd];
    int at = 0;
    for (int n = 0; n < 2; n++) {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < wd; j++) {
            float sum = bias.get(ch);
            for (int ki = 0; ki < 3; ki++) {
              for (int kj = 0; kj < 3; kj++) {
                int si = i + ki - 1;
                int sj = j + kj - 1;
                if (si >= 0 && si < h && sj >= 0 && sj < wd) {
                  sum += weight.get(ch, 0, ki, kj) * x.get(n, ch, si, sj);
                }
              }
            }
            expected[at++] = sum;
          }
        }
      }
    }
    assertClose(run(g, Map.of("x", x)).get("y"), Tensor.of(expected, 2, c, h, wd));
  }

  @Test
  void convTransposeWithStrideTwo() {
    int cin = 2;
    int cout = 3;
    int size = 3;
    int outSize = (size - 1) * 2 + 3;
    Tensor weight = randomTensor(cin, cout, 3, 3);
    Tensor x = randomTensor(1, cin, size, size);
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, cin, size, size).output("y", -1, cout, outSize, outSize);
    g.node("y", "ConvTranspose", List.of("x", g.initializer("w", weight)), intsAttr("strides", 2, 2));

    float[] expected = new float[cout * outSize * outSize];
    for (int ci = 0; ci < cin; ci++) {
      for (int co = 0; co < cout; co++) {
        for (int i = 0; i < size; i++) {
          for (int j = 0; j < size; j++) {
            for (int ki = 0; ki < 3; ki++) {
              for (int kj = 0; kj < 3; kj++) {
                expected[(co * outSize + i * 2 + ki) * outSize + j * 2 + kj] +=
                    x.get(0, ci, i, j) * weight.get(ci, co, ki, kj);
              }
            }
          }
        }
      }
    }
    assertClose(run(g, Map.of("x", x)).get("y"), Tensor.of(expected, 1, cout, outSize, outSize));
  }

  @Test
  void zeroInsertionUpsamplingThroughSixDimensionalPadWithDynamicBatch() {
    int c = 2;
    int h = 3;
    int wd = 4;
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, c, h, wd).output("y", -1, c, 2 * h, 2 * wd);
    String x6 = g.node("Unsqueeze", List.of("x", g.constantInts(3, 5)));
    String padded =
        g.node(
            "Pad",
            List.of(x6, g.constantInts(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1)),
            stringAttr("mode", "constant"));
    g.node("y", "Reshape", List.of(padded, g.constantInts(0, c, 2 * h, 2 * wd)));

    try (OnnxSession session = OnnxSession.open(g.build("upsample"), CPU)) {
      for (int n : new int[] {1, 3}) {
        Tensor x = randomTensor(n, c, h, wd);
        float[] expected = new float[n * c * 4 * h * wd];
        for (int b = 0; b < n; b++) {
          for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
              for (int j = 0; j < wd; j++) {
                expected[((b * c + ch) * 2 * h + 2 * i) * 2 * wd + 2 * j] = x.get(b, ch, i, j);
              }
            }
          }
        }
        assertThat(session.run(Map.of("x", x)).get("y")).isEqualTo(Tensor.of(expected, n, c, 2 * h, 2 * wd));
      }
    }
  }

  @Test
  void rowNormalisationWithPowReduceSumSqrtReciprocalMul() {
    float eps = 1e-8f;
    Tensor x = randomTensor(2, 4);
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, 4).output("y", -1, 4);
    String squares = g.node("Pow", List.of("x", g.constantFloat(2)));
    String sum = g.node("ReduceSum", List.of(squares, g.constantInts(1)), intAttr("keepdims", 1));
    String norm = g.node("Sqrt", List.of(g.node("Add", List.of(sum, g.constantFloat(eps)))));
    g.node("y", "Mul", List.of("x", g.node("Reciprocal", List.of(norm))));

    float[] expected = new float[8];
    for (int i = 0; i < 2; i++) {
      float sumSquares = 0;
      for (int j = 0; j < 4; j++) {
        sumSquares += x.get(i, j) * x.get(i, j);
      }
      for (int j = 0; j < 4; j++) {
        expected[i * 4 + j] = x.get(i, j) / (float) Math.sqrt(sumSquares + eps);
      }
    }
    assertClose(run(g, Map.of("x", x)).get("y"), Tensor.of(expected, 2, 4));
  }

  @Test
  void leakyRelu() {
    Tensor x = randomTensor(3, 5);
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, 5).output("y", -1, 5);
    g.node("y", "LeakyRelu", List.of("x"), floatAttr("alpha", 0.2f));

    float[] expected = x.toArray();
    for (int i = 0; i < expected.length; i++) {
      expected[i] = expected[i] < 0 ? 0.2f * expected[i] : expected[i];
    }
    assertClose(run(g, Map.of("x", x)).get("y"), Tensor.of(expected, 3, 5));
  }

  @Test
  void clipWithMinAndMaxInputs() {
    Tensor x = randomTensor(4, 6);
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, 6).output("y", -1, 6);
    g.node("y", "Clip", List.of("x", g.constantFloat(-0.5f), g.constantFloat(0.25f)));

    float[] expected = x.toArray();
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.max(-0.5f, Math.min(0.25f, expected[i]));
    }
    assertThat(run(g, Map.of("x", x)).get("y")).isEqualTo(Tensor.of(expected, 4, 6));
  }

  private static Map<String, Tensor> run(OnnxGraphBuilder g, Map<String, Tensor> inputs) {
    try (OnnxSession session = OnnxSession.open(g.build("test"), CPU)) {
      return session.run(inputs);
    }
  }

  private static void assertClose(Tensor actual, Tensor expected) {
    assertThat(actual.shape()).containsExactly(expected.shape());
    assertThat(actual.maxAbsDifference(expected)).isLessThan(TOLERANCE);
  }

  private Tensor randomTensor(int... shape) {
    float[] values = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return Tensor.of(values, shape);
  }
}
