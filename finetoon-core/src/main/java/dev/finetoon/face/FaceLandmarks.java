package dev.finetoon.face;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * The four points FFHQ alignment needs: the centres of both eyes and the two mouth corners. "Left" and "right" are as
 * seen in the photo (the person's right eye is {@code eyeLeft}), as in the 68-point iBUG scheme that dlib and
 * {@code face_alignment} produce.
 *
 * <pre>{@code
 * FaceLandmarks face = FaceLandmarks.ofIbug68(points); // 68 points from a landmark detector
 * FaceLandmarks same = new FaceLandmarks(new Point(80, 100), new Point(140, 100),
 *     new Point(90, 170), new Point(130, 170));
 * }</pre>
 */
public record FaceLandmarks(Point eyeLeft, Point eyeRight, Point mouthLeft, Point mouthRight) {
  public FaceLandmarks {
    checkArgument(
        eyeLeft != null && eyeRight != null && mouthLeft != null && mouthRight != null, "landmarks must not be null");
  }

  /**
   * The landmarks of a face given as the 68 iBUG points, as FFHQ's {@code align_face} reads them: the eyes are the
   * means of points 36–41 and 42–47, the mouth corners points 48 and 54 (0-based).
   */
  public static FaceLandmarks ofIbug68(List<Point> points) {
    checkArgument(points.size() == 68, "expected the 68 iBUG landmarks, got %s points", points.size());
    return new FaceLandmarks(
        Point.centroid(points.subList(36, 42)), Point.centroid(points.subList(42, 48)), points.get(48), points.get(54));
  }
}
