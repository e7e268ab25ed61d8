package dev.finetoon.image;

import java.awt.image.Raster;

/**
 * 8-bit RGB from the raw samples of a four-component JPEG, as PIL (on libjpeg-turbo) gets them. Java's colour
 * conversion of CMYK JPEGs varies between JDK releases and fails on many files, so finetoon reads the undecoded raster
 * and converts it itself:
 *
 * <ol>
 *   <li>YCCK (Adobe transform 2) becomes CMYK with libjpeg's fixed-point YCbCr→RGB tables, C = 255 − R and so on, K
 *       unchanged;
 *   <li>like PIL, finetoon takes every four-component JPEG as Adobe-inverted (PIL's {@code CMYK;I}) and inverts it;
 *   <li>PIL's naive {@code CMYK → RGB}: R = (255 − K) − C·(255 − K)/255, rounded as PIL's {@code MULDIV255}, no ICC
 *       profile. Colours therefore differ from what a colour-managed viewer shows, exactly as they do in PIL.
 * </ol>
 */
final class CmykConversion {
  private static final int SCALE_BITS = 16;
  private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
      CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + ONE_HALF;
    }
  }

  private CmykConversion() {}

  /** The image in a raster of four 8-bit bands as stored in the file; {@code ycck} for Adobe transform 2. */
  static RgbImage toRgb(Raster raster, boolean ycck) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] out = new byte[w * h * 3];
    int[] row = new int[w * 4];
    int[] cmy = new int[3];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int p = x * 4;
        if (ycck) {
          int luma = row[p];
          int cb = row[p + 1];
          int cr = row[p + 2];
          // libjpeg's C = 255 - R, then PIL's inversion: PIL's C is R itself
          cmy[0] = clip(luma + CR_R[cr]);
          cmy[1] = clip(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
          cmy[2] = clip(luma + CB_B[cb]);
        } else {
          cmy[0] = 255 - row[p];
          cmy[1] = 255 - row[p + 1];
          cmy[2] = 255 - row[p + 2];
        }
        int notK = row[p + 3]; // 255 - K after the inversion
        for (int c = 0; c < 3; c++) {
          out[(y * w + x) * 3 + c] = (byte) clip(notK - mulDiv255(cmy[c], notK));
        }
      }
    }
    return RgbImage.wrap(w, h, out);
  }

  /** a·b/255 rounded, in PIL's integer form. */
  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  private static int fix(double x) {
    return (int) (x * (1L << SCALE_BITS) + 0.5);
  }

  private static int clip(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
