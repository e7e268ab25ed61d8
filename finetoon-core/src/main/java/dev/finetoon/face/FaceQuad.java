package dev.finetoon.face;

/**
 * FFHQ's oriented crop square around a face: corners NW, SW, SE, NE (as {@code x, y} pairs in {@code corners}) and
 * {@code size}, the side length ({@code qsize} in the recipe). Built exactly as {@code recreate_aligned_images} in
 * NVIDIA's {@code ffhq-dataset} does, in the same floating-point steps.
 */
record FaceQuad(double[] corners, double size) {
  static FaceQuad of(FaceLandmarks face) {
    Point eyeLeft = face.eyeLeft();
    Point eyeRight = face.eyeRight();
    double eyeAvgX = (eyeLeft.x() + eyeRight.x()) * 0.5;
    double eyeAvgY = (eyeLeft.y() + eyeRight.y()) * 0.5;
    double eyeToEyeX = eyeRight.x() - eyeLeft.x();
    double eyeToEyeY = eyeRight.y() - eyeLeft.y();
    double mouthAvgX = (face.mouthLeft().x() + face.mouthRight().x()) * 0.5;
    double mouthAvgY = (face.mouthLeft().y() + face.mouthRight().y()) * 0.5;
    double eyeToMouthX = mouthAvgX - eyeAvgX;
    double eyeToMouthY = mouthAvgY - eyeAvgY;

    // x = eye_to_eye - flipud(eye_to_mouth) * [-1, 1]: the face's horizontal axis
    double xx = eyeToEyeX + eyeToMouthY;
    double xy = eyeToEyeY - eyeToMouthX;
    double length = Math.hypot(xx, xy);
    xx /= length;
    xy /= length;
    double scale = Math.max(Math.hypot(eyeToEyeX, eyeToEyeY) * 2.0, Math.hypot(eyeToMouthX, eyeToMouthY) * 1.8);
    xx *= scale;
    xy *= scale;
    // y = flipud(x) * [-1, 1]: x turned a quarter clockwise (y points down)
    double yx = -xy;
    double yy = xx;
    double cx = eyeAvgX + eyeToMouthX * 0.1;
    double cy = eyeAvgY + eyeToMouthY * 0.1;
    double[] corners = {
      cx - xx - yx, cy - xy - yy,
      cx - xx + yx, cy - xy + yy,
      cx + xx + yx, cy + xy + yy,
      cx + xx - yx, cy + xy - yy
    };
    return new FaceQuad(corners, Math.hypot(xx, xy) * 2);
  }

  /** The quad in an image shrunk by {@code factor} ({@code quad /= shrink}). */
  FaceQuad shrunk(int factor) {
    double[] scaled = corners.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] /= factor;
    }
    return new FaceQuad(scaled, size / factor);
  }

  /** The quad moved by (dx, dy). */
  FaceQuad shifted(double dx, double dy) {
    double[] moved = corners.clone();
    for (int i = 0; i < moved.length; i += 2) {
      moved[i] += dx;
      moved[i + 1] += dy;
    }
    return new FaceQuad(moved, size);
  }

  /** The integer box around the quad: floor of the minima, ceiling of the maxima, as (left, top, right, bottom). */
  int[] bounds() {
    double minX = Double.POSITIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < corners.length; i += 2) {
      minX = Math.min(minX, corners[i]);
      maxX = Math.max(maxX, corners[i]);
      minY = Math.min(minY, corners[i + 1]);
      maxY = Math.max(maxY, corners[i + 1]);
    }
    return new int[] {(int) Math.floor(minX), (int) Math.floor(minY), (int) Math.ceil(maxX), (int) Math.ceil(maxY)};
  }
}
