package dev.finetoon.face;

import dev.finetoon.image.RgbImage;

/**
 * PIL's {@code Image.transform(size, Image.QUAD, data, Image.BILINEAR)}: maps a quadrilateral of the source onto a
 * square, as current Pillow does ({@code quad_transform} and {@code bilinear_filter32RGB} in {@code Geometry.c}).
 * Output pixel (x, y) samples the source at the bilinear blend of the corners at ((x + 0.5) / size, (y + 0.5) / size);
 * the sample interpolates the four nearest pixel centres (edge pixels repeated), truncates to 8 bits, and is black
 * where it falls outside the source.
 */
final class QuadWarp {
  private QuadWarp() {}

  /** {@code corners}: NW, SW, SE, NE as x, y pairs, in PIL's convention (pixel i spans [i, i + 1)). */
  static RgbImage warp(RgbImage image, double[] corners, int size) {
    double x0 = corners[0];
    double y0 = corners[1];
    double as = 1.0 / size;
    double at = 1.0 / size;
    double a1 = (corners[6] - x0) * as;
    double a2 = (corners[2] - x0) * at;
    double a3 = (corners[4] - corners[2] - corners[6] + x0) * as * at;
    double a5 = (corners[7] - y0) * as;
    double a6 = (corners[3] - y0) * at;
    double a7 = (corners[5] - corners[3] - corners[7] + y0) * as * at;
    int w = image.width();
    int h = image.height();
    byte[] src = image.toBytes();
    byte[] out = new byte[size * size * 3];
    for (int y = 0; y < size; y++) {
      double yin = y + 0.5;
      for (int x = 0; x < size; x++) {
        double xin = x + 0.5;
        double sx = x0 + a1 * xin + a2 * yin + a3 * xin * yin;
        double sy = y0 + a5 * xin + a6 * yin + a7 * xin * yin;
        if (sx < 0.0 || sx >= w || sy < 0.0 || sy >= h) {
          continue; // black
        }
        sx -= 0.5;
        sy -= 0.5;
        int ix = (int) Math.floor(sx);
        int iy = (int) Math.floor(sy);
        double dx = sx - ix;
        double dy = sy - iy;
        int left = Math.max(0, Math.min(w - 1, ix)) * 3;
        int right = Math.max(0, Math.min(w - 1, ix + 1)) * 3;
        int row = Math.max(0, Math.min(h - 1, iy)) * w * 3;
        int next = iy + 1 < h ? (iy + 1) * w * 3 : -1; // iy + 1 >= 0 always
        for (int c = 0; c < 3; c++) {
          double top = lerp(src[row + left + c] & 0xFF, src[row + right + c] & 0xFF, dx);
          double bottom = next < 0 ? top : lerp(src[next + left + c] & 0xFF, src[next + right + c] & 0xFF, dx);
          out[(y * size + x) * 3 + c] = (byte) (int) lerp(top, bottom, dy);
        }
      }
    }
    return RgbImage.of(size, size, out);
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }
}
