package dev.finetoon.image;

/**
 * The eight EXIF orientations (tag 0x0112) and how to turn a stored image upright, as PIL's
 * {@code ImageOps.exif_transpose} does: 2 mirrors left-right, 3 rotates 180°, 4 mirrors top-bottom, 5 transposes,
 * 6 rotates 90° clockwise, 7 transverses, 8 rotates 90° counter-clockwise.
 */
enum ExifOrientation {
  NORMAL(false),
  MIRROR_HORIZONTAL(false),
  ROTATE_180(false),
  MIRROR_VERTICAL(false),
  TRANSPOSE(true),
  ROTATE_90_CW(true),
  TRANSVERSE(true),
  ROTATE_90_CCW(true);

  private final boolean swapsAxes;

  ExifOrientation(boolean swapsAxes) {
    this.swapsAxes = swapsAxes;
  }

  /** The orientation with EXIF value {@code tag} (1 to 8). */
  static ExifOrientation of(int tag) {
    return values()[tag - 1];
  }

  /** {@code stored} as it is meant to be seen. */
  RgbImage upright(RgbImage stored) {
    if (this == NORMAL) {
      return stored;
    }
    int w = stored.width();
    int h = stored.height();
    int outW = swapsAxes ? h : w;
    int outH = swapsAxes ? w : h;
    byte[] in = stored.bytes();
    byte[] out = new byte[in.length];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        int source = (sourceY(x, y, w, h) * w + sourceX(x, y, w, h)) * 3;
        System.arraycopy(in, source, out, (y * outW + x) * 3, 3);
      }
    }
    return RgbImage.wrap(outW, outH, out);
  }

  private int sourceX(int x, int y, int w, int h) {
    return switch (this) {
      case NORMAL, MIRROR_VERTICAL -> x;
      case MIRROR_HORIZONTAL, ROTATE_180 -> w - 1 - x;
      case TRANSPOSE, ROTATE_90_CW -> y;
      case TRANSVERSE, ROTATE_90_CCW -> w - 1 - y;
    };
  }

  private int sourceY(int x, int y, int w, int h) {
    return switch (this) {
      case NORMAL, MIRROR_HORIZONTAL -> y;
      case ROTATE_180, MIRROR_VERTICAL -> h - 1 - y;
      case TRANSPOSE, ROTATE_90_CCW -> x;
      case ROTATE_90_CW, TRANSVERSE -> h - 1 - x;
    };
  }
}
