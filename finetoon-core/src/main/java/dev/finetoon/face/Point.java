package dev.finetoon.face;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * A position in a photo, in pixels: x to the right, y down, (0, 0) the centre of the top-left pixel (the convention of
 * dlib and of the FFHQ landmark files).
 *
 * <pre>{@code
 * Point eye = new Point(412.5, 380.0);
 * }</pre>
 */
public record Point(double x, double y) {
  /** The mean of {@code points}: their sum from (0, 0), divided by their number. */
  public static Point centroid(List<Point> points) {
    checkArgument(!points.isEmpty(), "no points");
    double x = 0;
    double y = 0;
    for (Point p : points) {
      x += p.x();
      y += p.y();
    }
    return new Point(x / points.size(), y / points.size());
  }
}
