package dev.finetoon.io.pickle;

import dev.finetoon.Tensor;
import dev.finetoon.model.DenseLayer;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.NumpyRandomState;
import java.util.List;
import java.util.stream.IntStream;

/**
 * finetoon's mean latent for files that carry none (rosinality's training checkpoints and {@code {"g_ema"}} files):
 * the mean w of {@value #SAMPLES} latents z = numpy {@code RandomState(}{@value #SEED}{@code ).randn(SAMPLES, z_dim)}
 * mapped without truncation — upstream's {@code g_ema.mean_latent(4096)}, drawn reproducibly. The mapping network runs
 * here in plain float32 Java (it is a few dense layers; no backend is needed to read a file), sums in double.
 */
final class MeanLatent {
  /** The number of samples, as rosinality's {@code mean_latent(4096)}. */
  static final int SAMPLES = 4096;

  static final long SEED = 0;

  private static final int CHUNK = 256;

  private MeanLatent() {}

  /** The rule's description for provenance and messages. */
  static String rule() {
    return "mean of " + SAMPLES + " mapped z = numpy RandomState(" + SEED + ").randn(" + SAMPLES + ", z_dim)";
  }

  /** The mean w of the model's mapping network (its {@code mapping.w_avg} is not used). */
  static Tensor of(StyleGanModel model) {
    int zDim = model.config().zDim();
    int wDim = model.config().wDim();
    float[] z = new NumpyRandomState(SEED).randnFloat(SAMPLES, zDim).toArray();
    List<DenseLayer> layers = model.plan().mapping();
    List<float[]> weights = layers.stream().map(l -> transposedWeight(model, l)).toList();
    List<float[]> biases = layers.stream().map(l -> model.tensor(l.bias()).toArray()).toList();
    double[] sum = IntStream.range(0, SAMPLES / CHUNK).parallel()
        .mapToObj(chunk -> chunkSum(layers, weights, biases, z, chunk * CHUNK, zDim, wDim))
        .reduce(new double[wDim], MeanLatent::add);
    float[] mean = new float[wDim];
    for (int c = 0; c < wDim; c++) {
      mean[c] = (float) (sum[c] / SAMPLES);
    }
    return Tensor.adopt(mean, wDim);
  }

  /** {@code W·weightGain} transposed to {@code [in, out]}, so the inner loop runs over contiguous outputs. */
  private static float[] transposedWeight(StyleGanModel model, DenseLayer layer) {
    float[] w = model.tensor(layer.weight()).toArray();
    float[] t = new float[w.length];
    for (int o = 0; o < layer.outFeatures(); o++) {
      for (int i = 0; i < layer.inFeatures(); i++) {
        t[i * layer.outFeatures() + o] = (float) (w[o * layer.inFeatures() + i] * layer.weightGain());
      }
    }
    return t;
  }

  private static double[] chunkSum(
      List<DenseLayer> layers, List<float[]> weights, List<float[]> biases, float[] z, int from, int zDim, int wDim) {
    double[] sum = new double[wDim];
    for (int s = from; s < from + CHUNK; s++) {
      // normalize_2nd_moment: x · rsqrt(mean(x²) + 1e-8)
      double squares = 0;
      for (int i = 0; i < zDim; i++) {
        squares += z[s * zDim + i] * z[s * zDim + i];
      }
      float scale = (float) (1 / Math.sqrt(squares / zDim + 1e-8));
      float[] x = new float[zDim];
      for (int i = 0; i < zDim; i++) {
        x[i] = z[s * zDim + i] * scale;
      }
      for (int l = 0; l < layers.size(); l++) {
        x = dense(layers.get(l), weights.get(l), biases.get(l), x);
      }
      for (int c = 0; c < wDim; c++) {
        sum[c] += x[c];
      }
    }
    return sum;
  }

  /** {@code lrelu(x · W' + b·biasGain, 0.2)·√2}: the mapping layers' activation. */
  private static float[] dense(DenseLayer layer, float[] transposed, float[] bias, float[] x) {
    int out = layer.outFeatures();
    float[] y = new float[out];
    for (int i = 0; i < layer.inFeatures(); i++) {
      float a = x[i];
      int row = i * out;
      for (int o = 0; o < out; o++) {
        y[o] += a * transposed[row + o];
      }
    }
    float gain = (float) Math.sqrt(2);
    for (int o = 0; o < out; o++) {
      float v = y[o] + (float) (bias[o] * layer.biasGain());
      y[o] = (v < 0 ? 0.2f * v : v) * gain;
    }
    return y;
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = a.clone();
    for (int i = 0; i < b.length; i++) {
      out[i] += b[i];
    }
    return out;
  }
}
