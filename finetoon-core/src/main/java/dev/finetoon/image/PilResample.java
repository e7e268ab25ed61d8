package dev.finetoon.image;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Resizes an image exactly as PIL's {@code Image.resize(size, filter)} does, byte for byte, for the two filters
 * finetoon meets: {@link Filter#LANCZOS} (also called {@code ANTIALIAS}; NVIDIA's projector and the FFHQ alignment
 * resize with it) and {@link Filter#BILINEAR} (torchvision's {@code Resize} on a PIL image: the pSp / e4e inputs).
 *
 * <p>PIL's algorithm ({@code libImaging/Resample.c}): a separable convolution with the filter's window (Lanczos-3
 * {@code sinc(x)·sinc(x/3)}, or the triangle {@code 1 − |x|}), widened by the downscale factor when shrinking (so
 * bilinear antialiases too); each output pixel's weights are normalised
 * to sum to 1, then turned into 22-bit fixed point (rounded away from zero). The horizontal pass runs first and its
 * result is rounded and clipped to 8 bits before the vertical pass; each sum starts at one half so that the final
 * shift rounds. A pass whose size does not change is skipped.
 *
 * <pre>{@code
 * RgbImage small = PilResample.resize(photo, 256, 256, PilResample.Filter.BILINEAR);
 * }</pre>
 */
public final class PilResample {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  /** A resampling filter: its window and the window's half-width at scale 1. */
  public enum Filter {
    /** {@code Image.LANCZOS}: {@code sinc(x)·sinc(x/3)} on [-3, 3). */
    LANCZOS(3.0),
    /** {@code Image.BILINEAR}: {@code max(0, 1 − |x|)}. */
    BILINEAR(1.0);

    private final double support;

    Filter(double support) {
      this.support = support;
    }

    double window(double x) {
      if (this == BILINEAR) {
        return Math.max(0.0, 1.0 - Math.abs(x));
      }
      return -support <= x && x < support ? sinc(x) * sinc(x / support) : 0.0;
    }
  }

  private PilResample() {}

  /** {@code image} resized to {@code width × height} by {@code filter}; the image itself where the size is equal. */
  public static RgbImage resize(RgbImage image, int width, int height, Filter filter) {
    checkArgument(width > 0 && height > 0, "target size must be positive, got %sx%s", width, height);
    RgbImage out = image;
    if (width != image.width()) {
      out = horizontal(out, Weights.of(image.width(), width, filter));
    }
    if (height != image.height()) {
      out = vertical(out, Weights.of(image.height(), height, filter));
    }
    return out;
  }

  private static RgbImage horizontal(RgbImage in, Weights weights) {
    int w = in.width();
    int h = in.height();
    int outW = weights.outSize();
    byte[] src = in.bytes();
    byte[] dst = new byte[outW * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < outW; x++) {
        int first = weights.first(x);
        for (int c = 0; c < 3; c++) {
          int sum = 1 << (PRECISION_BITS - 1);
          for (int i = 0; i < weights.count(x); i++) {
            sum += (src[(y * w + first + i) * 3 + c] & 0xFF) * weights.weight(x, i);
          }
          dst[(y * outW + x) * 3 + c] = clip8(sum);
        }
      }
    }
    return RgbImage.wrap(outW, h, dst);
  }

  private static RgbImage vertical(RgbImage in, Weights weights) {
    int w = in.width();
    int outH = weights.outSize();
    byte[] src = in.bytes();
    byte[] dst = new byte[w * outH * 3];
    for (int y = 0; y < outH; y++) {
      int first = weights.first(y);
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 1 << (PRECISION_BITS - 1);
          for (int i = 0; i < weights.count(y); i++) {
            sum += (src[((first + i) * w + x) * 3 + c] & 0xFF) * weights.weight(y, i);
          }
          dst[(y * w + x) * 3 + c] = clip8(sum);
        }
      }
    }
    return RgbImage.wrap(w, outH, dst);
  }

  private static byte clip8(int sum) {
    return (byte) Math.max(0, Math.min(255, sum >> PRECISION_BITS));
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    double px = x * Math.PI;
    // StrictMath: the same bits on every JVM, so the fixed-point weights round the same everywhere
    return StrictMath.sin(px) / px;
  }

  /**
   * The fixed-point weights of one pass ({@code precompute_coeffs} and {@code normalize_coeffs_8bpc} in PIL): output
   * pixel {@code o} reads input pixels {@code first(o)} to {@code first(o) + count(o) - 1}.
   */
  private record Weights(int outSize, int stride, int[] bounds, int[] fixed) {
    static Weights of(int inSize, int outSize, Filter filter) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = filter.support * filterScale;
      int stride = (int) Math.ceil(support) * 2 + 1;
      double invFilterScale = 1.0 / filterScale;
      int[] bounds = new int[outSize * 2];
      int[] fixed = new int[outSize * stride];
      double[] k = new double[stride];
      for (int o = 0; o < outSize; o++) {
        double center = (o + 0.5) * scale;
        int first = Math.max(0, (int) (center - support + 0.5));
        int count = Math.min(inSize, (int) (center + support + 0.5)) - first;
        double sum = 0.0;
        for (int i = 0; i < count; i++) {
          k[i] = filter.window((i + first - center + 0.5) * invFilterScale);
          sum += k[i];
        }
        for (int i = 0; i < count; i++) {
          double normalised = sum != 0.0 ? k[i] / sum : k[i];
          double scaled = normalised * (1 << PRECISION_BITS);
          fixed[o * stride + i] = (int) (normalised < 0 ? scaled - 0.5 : scaled + 0.5);
        }
        bounds[o * 2] = first;
        bounds[o * 2 + 1] = count;
      }
      return new Weights(outSize, stride, bounds, fixed);
    }

    int first(int o) {
      return bounds[o * 2];
    }

    int count(int o) {
      return bounds[o * 2 + 1];
    }

    int weight(int o, int i) {
      return fixed[o * stride + i];
    }
  }
}
