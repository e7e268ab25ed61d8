package dev.finetoon.face;

import dev.finetoon.image.RgbImage;

/**
 * FFHQ's padding for a face crop that reaches past the photo's edge: the photo mirrored outwards ({@code np.pad(...,
 * 'reflect')}), blurred with a Gaussian of {@code 0.02 · qsize} towards the borders and faded to the image's median
 * colour the further it lies outside the photo, then rounded to 8 bits. The arithmetic is the recipe's numpy code:
 * float32 pixels, double-precision blend weights {@code mask = max(1 − min(x / left, (w − 1 − x) / right), 1 − min(y
 * / top, (h − 1 − y) / bottom))}.
 */
final class BlurredPadding {
  private static final int CHANNELS = 3;

  private BlurredPadding() {}

  /** {@code image} grown by {@code left, top, right, bottom} pixels (each at least 1) on its four sides. */
  static RgbImage pad(RgbImage image, int left, int top, int right, int bottom, double quadSize) {
    int w0 = image.width();
    int h0 = image.height();
    int w = w0 + left + right;
    int h = h0 + top + bottom;
    byte[] src = image.toBytes();
    float[] img = new float[w * h * CHANNELS];
    for (int y = 0; y < h; y++) {
      int sy = reflect(y - top, h0);
      for (int x = 0; x < w; x++) {
        int from = (sy * w0 + reflect(x - left, w0)) * CHANNELS;
        for (int c = 0; c < CHANNELS; c++) {
          img[(y * w + x) * CHANNELS + c] = src[from + c] & 0xFF;
        }
      }
    }
    // mask = max(maskX, maskY); the blur counts only where mask * 3 + 1 > 0, in bands along the borders
    double[] maskX = fade(w, left, right);
    double[] maskY = fade(h, top, bottom);
    boolean[] blurCols = new boolean[w];
    boolean[] blurRows = new boolean[h];
    for (int x = 0; x < w; x++) {
      blurCols[x] = maskX[x] * 3.0 + 1.0 > 0;
    }
    for (int y = 0; y < h; y++) {
      blurRows[y] = maskY[y] * 3.0 + 1.0 > 0;
    }
    float[] blurred = GaussianBlur.blur(img, w, h, quadSize * 0.02, blurRows, blurCols);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (blurRows[y] || blurCols[x]) {
          double weight = clip01(Math.max(maskX[x], maskY[y]) * 3.0 + 1.0);
          for (int i = (y * w + x) * CHANNELS; i < (y * w + x + 1) * CHANNELS; i++) {
            img[i] = (float) (img[i] + (double) (blurred[i] - img[i]) * weight);
          }
        }
      }
    }
    float[] median = RadixMedian.medians(img);
    byte[] out = new byte[img.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double weight = clip01(Math.max(maskX[x], maskY[y]));
        for (int c = 0; c < CHANNELS; c++) {
          int i = (y * w + x) * CHANNELS + c;
          float v = (float) (img[i] + (double) (median[c] - img[i]) * weight);
          out[i] = (byte) Math.max(0, Math.min(255, Math.rint(v)));
        }
      }
    }
    return RgbImage.of(w, h, out);
  }

  /** {@code 1 − min(i / before, (n − 1 − i) / after)} for i in 0..n-1: one axis of the recipe's mask. */
  private static double[] fade(int n, int before, int after) {
    double[] mask = new double[n];
    for (int i = 0; i < n; i++) {
      mask[i] = 1.0 - Math.min((double) i / before, (double) (n - 1 - i) / after);
    }
    return mask;
  }

  /** numpy's {@code 'reflect'} padding: mirror without repeating the edge pixel, period 2n - 2. */
  private static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int m = Math.floorMod(i, 2 * n - 2);
    return m < n ? m : 2 * n - 2 - m;
  }

  private static double clip01(double v) {
    return Math.max(0.0, Math.min(1.0, v));
  }
}
