package dev.finetoon.face;

import java.util.stream.IntStream;

/**
 * SciPy's {@code ndimage.gaussian_filter(img, [sigma, sigma, 0])} on a float32 {@code [H, W, 3]} image, bit for bit: a
 * separable Gaussian truncated at {@code int(4·sigma + 0.5)}, along rows (axis 0) first, then columns, each pass summed
 * in double in SciPy's order (the centre, then symmetric pairs from the outside in) and stored as float32; borders
 * extended by half-sample reflection ({@code mode='reflect'}: d c b a | a b c d).
 *
 * <p>Only the pixels in the rows or columns marked {@code wanted} are computed (FFHQ padding uses the blur near the
 * borders only); the others of the result are undefined. The loops run over contiguous memory so the JIT can
 * vectorise them.
 */
final class GaussianBlur {
  private static final int CHANNELS = 3;
  /** Samples computed together: a block of sums and its window of input stay in the CPU cache. */
  private static final int BLOCK = 256;

  private GaussianBlur() {}

  static float[] blur(float[] image, int width, int height, double sigma, boolean[] wantedRows, boolean[] wantedCols) {
    double[] weights = kernel(sigma);
    int r = weights.length - 1;
    // the vertical result is needed wherever a wanted pixel's horizontal window reaches
    boolean[] verticalCols = new boolean[width];
    for (int x = 0; x < width; x++) {
      for (int j = -r; wantedCols[x] && j <= r; j++) {
        verticalCols[reflect(x + j, width)] = true;
      }
    }
    float[] out = new float[image.length];
    int rowLength = width * CHANNELS;
    // vertical pass in column strips, so that the rows of a window stay in cache from one output row to the next
    IntStream.range(0, (rowLength + BLOCK - 1) / BLOCK).parallel().forEach(strip -> {
      double[] sum = new double[BLOCK];
      int stripStart = strip * BLOCK;
      int stripEnd = Math.min(rowLength, stripStart + BLOCK);
      for (int y = 0; y < height; y++) {
        for (int[] run : runs(verticalCols, wantedRows[y])) {
          int from = Math.max(run[0] * CHANNELS, stripStart);
          int to = Math.min(run[1] * CHANNELS, stripEnd);
          if (from < to) {
            vertical(image, rowLength, height, y, from, to, weights, sum);
            for (int i = from; i < to; i++) {
              out[y * rowLength + i] = (float) sum[i - from];
            }
          }
        }
      }
    });
    IntStream.range(0, height).parallel().forEach(y -> {
      double[] line = new double[(width + 2 * r) * CHANNELS];
      for (int x = -r; x < width + r; x++) {
        int from = y * rowLength + reflect(x, width) * CHANNELS;
        for (int c = 0; c < CHANNELS; c++) {
          line[(x + r) * CHANNELS + c] = out[from + c];
        }
      }
      double[] sum = new double[BLOCK];
      for (int[] run : runs(wantedCols, wantedRows[y])) {
        for (int from = run[0] * CHANNELS; from < run[1] * CHANNELS; from += BLOCK) {
          int to = Math.min(run[1] * CHANNELS, from + BLOCK);
          horizontal(line, r, from, to, weights, sum);
          for (int i = from; i < to; i++) {
            out[y * rowLength + i] = (float) sum[i - from];
          }
        }
      }
    });
    return out;
  }

  /** The vertical pass for samples {@code [from, to)} of row {@code y}, into {@code sum[0, to - from)}. */
  private static void vertical(
      float[] image, int rowLength, int height, int y, int from, int to, double[] weights, double[] sum) {
    int n = to - from;
    int centre = y * rowLength + from;
    for (int i = 0; i < n; i++) {
      sum[i] = image[centre + i] * weights[0];
    }
    for (int j = weights.length - 1; j > 0; j--) {
      int above = reflect(y - j, height) * rowLength + from;
      int below = reflect(y + j, height) * rowLength + from;
      double w = weights[j];
      for (int i = 0; i < n; i++) {
        sum[i] += ((double) image[above + i] + image[below + i]) * w;
      }
    }
  }

  /** The horizontal pass for samples {@code [from, to)} of a row extended by r pixels each side, into {@code sum}. */
  private static void horizontal(double[] line, int r, int from, int to, double[] weights, double[] sum) {
    int n = to - from;
    int centre = from + r * CHANNELS;
    for (int i = 0; i < n; i++) {
      sum[i] = line[centre + i] * weights[0];
    }
    for (int j = r; j > 0; j--) {
      int before = centre - j * CHANNELS;
      int after = centre + j * CHANNELS;
      double w = weights[j];
      for (int i = 0; i < n; i++) {
        sum[i] += (line[before + i] + line[after + i]) * w;
      }
    }
  }

  /** The runs {@code [start, end)} of true entries of {@code marks}, or one run over all of them. */
  private static int[][] runs(boolean[] marks, boolean all) {
    if (all) {
      return new int[][] {{0, marks.length}};
    }
    return IntStream.range(0, marks.length)
        .filter(i -> marks[i] && (i == 0 || !marks[i - 1]))
        .mapToObj(start -> {
          int end = start;
          while (end < marks.length && marks[end]) {
            end++;
          }
          return new int[] {start, end};
        })
        .toArray(int[][]::new);
  }

  /** Weights 0..r of the normalised kernel ({@code _gaussian_kernel1d}: exp(-x²/2σ²) over -r..r, then / sum). */
  private static double[] kernel(double sigma) {
    int radius = (int) (4.0 * sigma + 0.5);
    double c2 = -0.5 / (sigma * sigma);
    double[] half = new double[radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      double w = Math.exp(c2 * i * i);
      sum += w;
      if (i >= 0) {
        half[i] = w;
      }
    }
    for (int i = 0; i <= radius; i++) {
      half[i] /= sum;
    }
    return half;
  }

  /** Half-sample reflection of index {@code i} into {@code [0, n)}, repeated for any distance. */
  private static int reflect(int i, int n) {
    int m = Math.floorMod(i, 2 * n);
    return m < n ? m : 2 * n - 1 - m;
  }
}
