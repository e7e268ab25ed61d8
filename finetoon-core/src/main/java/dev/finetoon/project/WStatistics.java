package dev.finetoon.project;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Generator;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.seed.NumpyRandomState;
import java.util.function.UnaryOperator;

/**
 * The mean w and its spread, as NVIDIA's projector estimates them before optimising: map {@code samples} latents
 * z = {@code RandomState(seed).randn(samples, z_dim)} without truncation, take each one's first w, and report
 * {@code w_avg} (their mean) and {@code w_std = sqrt(Σ‖w − w_avg‖² / samples)}.
 *
 * <pre>{@code
 * WStatistics stats = WStatistics.estimate(generator, 10_000, 123);
 * }</pre>
 *
 * @param wAvg the mean w, {@code [w_dim]}
 */
public record WStatistics(Tensor wAvg, double wStd) {
  /** NVIDIA's sample count and seed. */
  public static final int SAMPLES = 10_000;

  public static final long SEED = 123;

  /** The statistics with NVIDIA's defaults. */
  public static WStatistics estimate(Generator generator) {
    return estimate(generator, SAMPLES, SEED);
  }

  /** Estimates the statistics from {@code samples} latents drawn from numpy's {@code RandomState(seed)}. */
  public static WStatistics estimate(Generator generator, int samples, long seed) {
    return estimate(generator.config(), z -> generator.mapping(z, null, Truncation.NONE), samples, seed);
  }

  /**
   * The same with any implementation of the untruncated mapping network ({@code z [N, z_dim] → ws [N, num_ws, w_dim]}),
   * e.g. a training backend's.
   */
  public static WStatistics estimate(GeneratorConfig config, UnaryOperator<Tensor> mapping, int samples, long seed) {
    checkArgument(samples > 0, "need at least one sample");
    int zDim = config.zDim();
    int wDim = config.wDim();
    int numWs = config.numWs();
    Tensor z = new NumpyRandomState(seed).randnFloat(samples, zDim);
    double[] sum = new double[wDim];
    float[][] first = new float[samples][];
    int batch = 1000;
    for (int from = 0; from < samples; from += batch) {
      int to = Math.min(samples, from + batch);
      float[] ws = mapping.apply(z.slice(from, to)).toArray();
      for (int i = 0; i < to - from; i++) {
        float[] w = new float[wDim];
        System.arraycopy(ws, i * numWs * wDim, w, 0, wDim);
        first[from + i] = w;
        for (int c = 0; c < wDim; c++) {
          sum[c] += w[c];
        }
      }
    }
    float[] mean = new float[wDim];
    for (int c = 0; c < wDim; c++) {
      mean[c] = (float) (sum[c] / samples);
    }
    double squares = 0;
    for (float[] w : first) {
      for (int c = 0; c < wDim; c++) {
        double d = w[c] - mean[c];
        squares += d * d;
      }
    }
    return new WStatistics(Tensor.of(mean, wDim), Math.sqrt(squares / samples));
  }
}
