package dev.finetoon.encoder;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.model.StyleGanModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * pSp / e4e encoders with deterministic random weights in the public layout (IR-SE-50: stages of 3, 4, 14 and 3
 * units of widths 64, 128, 256 and 512, SE widths a sixteenth of those), every channel count divided by {@code
 * widthDivisor}, for a given decoder: they stand in for real checkpoints in tests and benches (codes, not faces).
 * Convolutions are He-normal, BatchNorm near identity, PReLU slopes 0.25, EqualLinear weights standard normal.
 *
 * <pre>{@code
 * EncoderModel fullWidth = RandomEncoders.create(EncoderArchitecture.ENCODER4EDITING, 1, ffhqStandIn, 1);
 * }</pre>
 */
public final class RandomEncoders {
  private static final List<Integer> UNITS_PER_STAGE = List.of(3, 4, 14, 3);
  private static final List<Integer> STAGE_WIDTHS = List.of(64, 128, 256, 512);

  private RandomEncoders() {}

  /**
   * An encoder whose weights depend only on {@code seed}; its codes are {@code 512 / widthDivisor} wide, which must be
   * the decoder's w_dim.
   *
   * @throws ModelFormatException where the decoder does not fit (w_dim, num_ws)
   */
  public static EncoderModel create(EncoderArchitecture architecture, int widthDivisor, StyleGanModel decoder,
      long seed) throws ModelFormatException {
    Random random = new Random(seed);
    Map<String, Tensor> w = new LinkedHashMap<>();
    int in = 64 / widthDivisor;
    w.put(EncoderNet.INPUT_CONV, he(random, in, 3, 3));
    batchNorm(w, EncoderNet.INPUT_BATCH_NORM, in, random);
    w.put(EncoderNet.INPUT_PRELU, constant(0.25f, in));
    int unit = 0;
    for (int stage = 0; stage < UNITS_PER_STAGE.size(); stage++) {
      int depth = STAGE_WIDTHS.get(stage) / widthDivisor;
      int hidden = STAGE_WIDTHS.get(stage) / 16;
      for (int k = 0; k < UNITS_PER_STAGE.get(stage); k++, unit++) {
        boolean projects = k == 0 && in != depth;
        EncoderNet.Unit u = new EncoderNet.Unit("body." + unit, in, depth, k == 0 ? 2 : 1, hidden, projects);
        batchNorm(w, u.batchNorm1(), in, random);
        w.put(u.conv1(), he(random, depth, in, 3));
        w.put(u.prelu(), constant(0.25f, depth));
        w.put(u.conv2(), he(random, depth, depth, 3));
        batchNorm(w, u.batchNorm2(), depth, random);
        w.put(u.seFc1(), he(random, hidden, depth, 1));
        w.put(u.seFc2(), he(random, depth, hidden, 1));
        if (projects) {
          w.put(u.shortcutConv(), he(random, depth, in, 1));
          batchNorm(w, u.shortcutBatchNorm(), depth, random);
        }
        in = depth;
      }
    }
    int c = in;
    int rows = 1;
    if (architecture.learnsInW()) {
      linear(w, EncoderNet.LINEAR, c, random);
    } else {
      rows = decoder.config().numWs();
      w.put(EncoderNet.LATLAYER_C2 + ".weight", he(random, c, STAGE_WIDTHS.get(2) / widthDivisor, 1));
      w.put(EncoderNet.LATLAYER_C2 + ".bias", gaussian(random, 0.05f, c));
      w.put(EncoderNet.LATLAYER_C1 + ".weight", he(random, c, STAGE_WIDTHS.get(1) / widthDivisor, 1));
      w.put(EncoderNet.LATLAYER_C1 + ".bias", gaussian(random, 0.05f, c));
      for (int j = 0; j < rows; j++) {
        EncoderNet.Feature input = EncoderNet.rowFeature(j);
        // c3 is 16x16 at a 256x256 input, p2 32x32, p1 64x64: log2 of the side strided convolutions each
        int convs = 4 + input.ordinal();
        EncoderNet.StyleBlock block = new EncoderNet.StyleBlock("styles." + j, input, convs);
        for (int k = 0; k < convs; k++) {
          w.put(block.convWeight(k), he(random, c, c, 3));
          w.put(block.convBias(k), gaussian(random, 0.05f, c));
        }
        linear(w, block.prefix() + ".linear", c, random);
      }
    }
    Tensor latentAvg = gaussian(random, 0.5f, rows, c);
    return EncoderModel.of(architecture, w, latentAvg, true, decoder,
        Map.of("source", "random(seed=" + seed + ", width/" + widthDivisor + ")", "format", "random"));
  }

  private static void batchNorm(Map<String, Tensor> w, EncoderNet.BatchNorm bn, int c, Random random) {
    float[] scale = new float[c];
    for (int i = 0; i < c; i++) {
      scale[i] = 0.5f + random.nextFloat();
    }
    w.put(bn.weight(), Tensor.adopt(scale, c));
    w.put(bn.bias(), gaussian(random, 0.2f, c));
    w.put(bn.runningMean(), gaussian(random, 0.1f, c));
    w.put(bn.runningVar(), constant(1f, c));
  }

  private static void linear(Map<String, Tensor> w, String prefix, int c, Random random) {
    w.put(prefix + ".weight", gaussian(random, 1f, c, c));
    w.put(prefix + ".bias", gaussian(random, 0.1f, c));
  }

  /** He-normal {@code [out, in, k, k]}: standard deviation {@code √(2 / (in·k²))}. */
  private static Tensor he(Random random, int out, int in, int k) {
    return gaussian(random, (float) Math.sqrt(2.0 / (in * k * k)), out, in, k, k);
  }

  private static Tensor gaussian(Random random, float std, int... shape) {
    float[] values = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = std * (float) random.nextGaussian();
    }
    return Tensor.adopt(values, shape);
  }

  private static Tensor constant(float value, int n) {
    float[] values = new float[n];
    Arrays.fill(values, value);
    return Tensor.adopt(values, n);
  }
}
