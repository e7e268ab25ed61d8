package dev.finetoon.onnx.face;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Tensor;
import dev.finetoon.image.RgbImage;

/**
 * An RGB image as float32 {@code [H, W, 3]} values, with the TensorFlow.js image operations face-api.js applies before
 * its networks: {@code tf.slice3d}, face-api's {@code padToSquare} and {@code tf.image.resizeBilinear} (no corner
 * alignment, no half-pixel centres), each computed as tfjs's CPU backend computes it.
 */
final class TfImage {
  private final int height;
  private final int width;
  private final float[] hwc;

  private TfImage(int height, int width, float[] hwc) {
    this.height = height;
    this.width = width;
    this.hwc = hwc;
  }

  static TfImage of(RgbImage image) {
    byte[] rgb = image.toBytes();
    float[] values = new float[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      values[i] = rgb[i] & 0xff;
    }
    return new TfImage(image.height(), image.width(), values);
  }

  int height() {
    return height;
  }

  int width() {
    return width;
  }

  /** {@code tf.slice3d(image, [y, x, 0], [h, w, 3])}. */
  TfImage slice(int x, int y, int w, int h) {
    checkArgument(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
        "slice %sx%s at (%s, %s) is outside the %sx%s image", w, h, x, y, width, height);
    float[] out = new float[h * w * 3];
    for (int r = 0; r < h; r++) {
      System.arraycopy(hwc, ((y + r) * width + x) * 3, out, r * w * 3, w * 3);
    }
    return new TfImage(h, w, out);
  }

  /**
   * face-api's {@code padToSquare}: zeros along the shorter side, after the image, or — centred — {@code
   * round(diff / 2)} after and the rest before.
   */
  TfImage padToSquare(boolean centred) {
    if (height == width) {
      return this;
    }
    int size = Math.max(height, width);
    int diff = size - Math.min(height, width);
    int after = (int) Math.round(diff * (centred ? 0.5 : 1.0));
    int before = diff - after;
    int top = height < width ? before : 0;
    int left = width < height ? before : 0;
    float[] out = new float[size * size * 3];
    for (int r = 0; r < height; r++) {
      System.arraycopy(hwc, r * width * 3, out, ((top + r) * size + left) * 3, width * 3);
    }
    return new TfImage(size, size, out);
  }

  /**
   * {@code tf.image.resizeBilinear(image, [h, w], false, false)}: source coordinate {@code dst · in / out}, the
   * interpolation in double precision and stored as float32, as tfjs-backend-cpu does.
   */
  TfImage resizeBilinear(int newHeight, int newWidth) {
    if (newHeight == height && newWidth == width) {
      return this;
    }
    double rowRatio = (double) height / newHeight;
    double colRatio = (double) width / newWidth;
    float[] out = new float[newHeight * newWidth * 3];
    int o = 0;
    for (int r = 0; r < newHeight; r++) {
      double srcRow = rowRatio * r;
      int top = Math.max(0, (int) Math.floor(srcRow));
      int bottom = Math.min(height - 1, (int) Math.ceil(srcRow));
      double rowFrac = srcRow - top;
      for (int c = 0; c < newWidth; c++) {
        double srcCol = colRatio * c;
        int left = Math.max(0, (int) Math.floor(srcCol));
        int right = Math.min(width - 1, (int) Math.ceil(srcCol));
        double colFrac = srcCol - left;
        for (int ch = 0; ch < 3; ch++) {
          double topLeft = hwc[(top * width + left) * 3 + ch];
          double topRight = hwc[(top * width + right) * 3 + ch];
          double bottomLeft = hwc[(bottom * width + left) * 3 + ch];
          double bottomRight = hwc[(bottom * width + right) * 3 + ch];
          double upper = topLeft + (topRight - topLeft) * colFrac;
          double lower = bottomLeft + (bottomRight - bottomLeft) * colFrac;
          out[o++] = (float) (upper + (lower - upper) * rowFrac);
        }
      }
    }
    return new TfImage(newHeight, newWidth, out);
  }

  /** The values as a {@code [1, 3, H, W]} network input. */
  Tensor toNchw() {
    float[] out = new float[hwc.length];
    int plane = height * width;
    for (int i = 0; i < plane; i++) {
      out[i] = hwc[i * 3];
      out[plane + i] = hwc[i * 3 + 1];
      out[2 * plane + i] = hwc[i * 3 + 2];
    }
    return Tensor.adopt(out, 1, 3, height, width);
  }

  /** The values as {@code [H, W, 3]}, as tfjs holds them. */
  Tensor toHwc() {
    return Tensor.of(hwc, height, width, 3);
  }
}
