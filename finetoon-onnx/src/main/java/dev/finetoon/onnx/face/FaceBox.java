package dev.finetoon.onnx.face;

/**
 * A box in image pixels (or, where a method says so, relative to the image), with face-api.js's {@code Box}
 * arithmetic in the same order of double operations, so that the crops it leads to land on the same pixels.
 *
 * <pre>{@code
 * FaceBox face = faces.get(0).box();
 * RgbImage crop = photo.crop((int) face.x(), (int) face.y(), (int) face.right(), (int) face.bottom());
 * }</pre>
 */
public record FaceBox(double x, double y, double width, double height) {
  /** The box from its edges, as face-api's {@code BoundingBox}: width and height are differences. */
  static FaceBox fromEdges(double left, double top, double right, double bottom) {
    return new FaceBox(left, top, right - left, bottom - top);
  }

  public double right() {
    return x + width;
  }

  public double bottom() {
    return y + height;
  }

  public double area() {
    return width * height;
  }

  FaceBox rescale(double scaleX, double scaleY) {
    return new FaceBox(x * scaleX, y * scaleY, width * scaleX, height * scaleY);
  }

  /** face-api's {@code clipAtImageBorders}, which ends with {@code floor()}. */
  FaceBox clipAtImageBorders(int imageWidth, int imageHeight) {
    double clippedX = Math.max(x, 0);
    double clippedY = Math.max(y, 0);
    double clippedWidth = Math.min(right() - clippedX, imageWidth - clippedX);
    double clippedHeight = Math.min(bottom() - clippedY, imageHeight - clippedY);
    return new FaceBox(
        Math.floor(clippedX), Math.floor(clippedY), Math.floor(clippedWidth), Math.floor(clippedHeight));
  }

  /** Intersection over union. */
  static double iou(FaceBox a, FaceBox b) {
    double w = Math.max(0.0, Math.min(a.right(), b.right()) - Math.max(a.x(), b.x()));
    double h = Math.max(0.0, Math.min(a.bottom(), b.bottom()) - Math.max(a.y(), b.y()));
    double intersection = w * h;
    return intersection / (a.area() + b.area() - intersection);
  }
}
