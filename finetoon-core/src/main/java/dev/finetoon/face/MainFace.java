package dev.finetoon.face;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * Which of a photo's faces is "the main face", the one toonify aligns: not merely the largest box, which in a group
 * photo is often a face turned away, but the one that aligns best. A face ranks by its box area times its detection
 * score times its frontality, so a frontal, confidently landmarked face beats a larger one in profile.
 *
 * <pre>{@code
 * double rank = MainFace.rank(box.width() * box.height(), score, landmarks68);
 * if (MainFace.alignsPoorly(score, landmarks68)) { ... warn ... }
 * }</pre>
 */
public final class MainFace {
  /** Under this frontality, the face is turned far enough that FFHQ alignment crops it badly. */
  public static final double POOR_FRONTALITY = 0.35;
  /** Under this detection score, the landmarks are unreliable. */
  public static final double POOR_SCORE = 0.5;

  private MainFace() {}

  /**
   * How frontal a face is, in [0, 1]: the shorter over the longer of the distances from the jaw's two ends (iBUG
   * points 0 and 16, at the ears) to the nose tip (point 30). About 1 facing the camera, near 0 in profile.
   */
  public static double frontality(List<Point> ibug68) {
    checkArgument(ibug68.size() == 68, "expected the 68 iBUG landmarks, got %s points", ibug68.size());
    double left = distance(ibug68.get(0), ibug68.get(30));
    double right = distance(ibug68.get(16), ibug68.get(30));
    double longer = Math.max(left, right);
    return longer == 0 ? 0 : Math.min(left, right) / longer;
  }

  /** The main-face rank: box area × detection score × frontality; the highest is the main face. */
  public static double rank(double boxArea, double score, List<Point> ibug68) {
    return boxArea * score * frontality(ibug68);
  }

  /** Whether a face is turned away or faintly detected enough that its FFHQ-aligned crop is likely poor. */
  public static boolean alignsPoorly(double score, List<Point> ibug68) {
    return score < POOR_SCORE || frontality(ibug68) < POOR_FRONTALITY;
  }

  private static double distance(Point a, Point b) {
    return Math.hypot(a.x() - b.x(), a.y() - b.y());
  }
}
