package dev.finetoon.onnx.face;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.finetoon.face.FaceLandmarks;
import dev.finetoon.face.MainFace;
import dev.finetoon.face.Point;
import java.util.Comparator;
import java.util.List;

/**
 * A face found by {@link FaceApi}: its detection box and score, the 68 iBUG landmarks in image pixels, the box
 * face-api crops for the descriptor, and the 128-d identity descriptor.
 *
 * <pre>{@code
 * DetectedFace face = faceApi.detectAll(photo).get(0);
 * RgbImage aligned = FfhqAligner.of(1024).align(photo, face.ffhqLandmarks());
 * }</pre>
 */
public record DetectedFace(FaceBox box, double score, List<Point> landmarks, FaceBox alignedBox, float[] descriptor) {
  /** Smaller boxes first: {@code max(BY_SIZE)} is the largest face. */
  public static final Comparator<DetectedFace> BY_SIZE = Comparator.comparingDouble(face -> face.box().area());

  /**
   * Lesser {@link MainFace#rank}s first: {@code max(BY_MAIN_FACE)} is the main face, the one {@code toonify} takes (a
   * frontal, confidently landmarked face over a larger one in profile).
   */
  public static final Comparator<DetectedFace> BY_MAIN_FACE =
      Comparator.comparingDouble(face -> MainFace.rank(face.box().area(), face.score(), face.landmarks()));

  public DetectedFace {
    checkArgument(landmarks.size() == 68, "expected 68 landmarks, got %s", landmarks.size());
    landmarks = ImmutableList.copyOf(landmarks);
    descriptor = descriptor.clone();
  }

  @Override
  public float[] descriptor() {
    return descriptor.clone();
  }

  /** {@link MainFace#frontality} of the landmarks: about 1 facing the camera, near 0 in profile. */
  public double frontality() {
    return MainFace.frontality(landmarks);
  }

  /** {@link MainFace#alignsPoorly}: turned away or faintly detected, so that its aligned crop is likely poor. */
  public boolean alignsPoorly() {
    return MainFace.alignsPoorly(score, landmarks);
  }

  /** The eye centres and mouth corners that FFHQ alignment reads. */
  public FaceLandmarks ffhqLandmarks() {
    return FaceLandmarks.ofIbug68(landmarks);
  }
}
