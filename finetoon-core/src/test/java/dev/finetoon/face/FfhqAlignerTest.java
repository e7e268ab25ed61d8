package dev.finetoon.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.finetoon.image.RgbImage;
import org.junit.jupiter.api.Test;

/**
 * Aligns synthetic "faces": red dots at the eye centres and blue dots at the mouth corners on a grey gradient, and
 * finds the dots again in the output.
 *
 * <p>Where the dots should land follows from the recipe. For eyes 60 px apart and the mouth 60 px below them (the
 * layout of {@link #upright}): x = eye_to_eye − flipud(eye_to_mouth)·[−1, 1] = (120, 0), scaled to
 * max(2·60, 1.8·60) = 120, so the square is 240 px wide, centred at eye_avg + 0.1·eye_to_mouth = (200, 186): its
 * top-left corner is (80, 66). A point p lands at S·(p − (80, 66))/240 − 0.5 in an S-pixel output (the 0.5: output
 * pixel centres). The eyes thus sit at x = 0.375·S and 0.625·S, y = 0.475·S, the mouth corners at y = 0.725·S.
 */
class FfhqAlignerTest {
  private static final int SIZE = 256;

  @Test
  void putsTheEyesAndMouthWhereTheRecipeSays() {
    RgbImage aligned = FfhqAligner.of(SIZE).align(upright(0, 0).photo(), upright(0, 0).face());

    assertLandsAtFfhqPositions(aligned, 0.5);
  }

  @Test
  void undoesARotation() {
    Synthetic tilted = rotated(20);

    RgbImage aligned = FfhqAligner.of(SIZE).align(tilted.photo(), tilted.face());

    Dots dots = Dots.find(aligned);
    assertThat(dots.eyeLeft()[1]).isCloseTo(dots.eyeRight()[1], within(1.0));
    assertThat(dots.mouthLeft()[1]).isCloseTo(dots.mouthRight()[1], within(1.0));
    assertLandsAtFfhqPositions(aligned, 1.0);
  }

  @Test
  void padsAFaceAtThePhotosCornerWithoutBlackBorders() {
    // The square around this face reaches 40 px past the left and 34 px past the top edge: FFHQ's blurred reflect
    // padding fills the gap (the dots' mirror images fall outside the square).
    Synthetic corner = upright(-120, -100);

    RgbImage aligned = FfhqAligner.of(SIZE).align(corner.photo(), corner.face());

    assertLandsAtFfhqPositions(aligned, 0.5);
    for (int[] p : new int[][] {{0, 0}, {SIZE - 1, 0}, {0, SIZE - 1}, {3, 3}}) {
      int sum = aligned.get(p[0], p[1], 0) + aligned.get(p[0], p[1], 1) + aligned.get(p[0], p[1], 2);
      assertThat(sum).as("pixel %s, %s", p[0], p[1]).isGreaterThan(150);
    }
  }

  @Test
  void shrinksLargeFacesFirstAndStillPlacesThem() {
    // Scaled 3x and aligned to 64 px: qsize 720 > 2 · 64, so the recipe shrinks the photo by floor(720 / 128) = 5.
    Synthetic large = Synthetic.draw(1200, 1200, 3, 0, 0, 0);

    RgbImage aligned = FfhqAligner.of(64).align(large.photo(), large.face());

    Dots dots = Dots.find(aligned);
    assertThat(dots.eyeLeft()[0]).isCloseTo(0.375 * 64 - 0.5, within(1.0));
    assertThat(dots.eyeRight()[0]).isCloseTo(0.625 * 64 - 0.5, within(1.0));
    assertThat(dots.eyeLeft()[1]).isCloseTo(0.475 * 64 - 0.5, within(1.0));
  }

  @Test
  void transformSizeIsTheSupersampling() {
    Synthetic face = upright(0, 0);

    RgbImage direct = FfhqAligner.of(SIZE, SIZE).align(face.photo(), face.face());

    assertThat(direct.width()).isEqualTo(SIZE);
    assertLandsAtFfhqPositions(direct, 0.5);
    assertThatThrownBy(() -> FfhqAligner.of(SIZE, SIZE - 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAFaceOutsideThePhotoOrTooSmallToAlign() {
    Synthetic face = upright(0, 0);
    FaceLandmarks far = new FaceLandmarks(
        new Point(5000, 5000), new Point(5060, 5000), new Point(5008, 5060), new Point(5052, 5060));

    assertThatThrownBy(() -> FfhqAligner.of(SIZE).align(face.photo(), far))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside");
    FaceLandmarks dot = new FaceLandmarks(new Point(9, 9), new Point(9.5, 9), new Point(9, 9.5), new Point(9.5, 9.5));
    assertThatThrownBy(() -> FfhqAligner.of(SIZE).align(face.photo(), dot))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too small");
  }

  @Test
  void refusesAFaceFarLargerThanThePhotoByName() {
    // Landmarks 200 000 px apart: shrinking the photo for them left 0x0 ("target size must be positive").
    Synthetic face = upright(0, 0);
    FaceLandmarks huge = new FaceLandmarks(
        new Point(0, 0), new Point(200_000, 0), new Point(40_000, 200_000), new Point(160_000, 200_000));

    assertThatThrownBy(() -> FfhqAligner.of(SIZE).align(face.photo(), huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the face is far larger than the photo");
  }

  private static void assertLandsAtFfhqPositions(RgbImage aligned, double tolerance) {
    assertThat(aligned.width()).isEqualTo(SIZE);
    assertThat(aligned.height()).isEqualTo(SIZE);
    Dots dots = Dots.find(aligned);
    assertAt(dots.eyeLeft(), 0.375, 0.475, tolerance);
    assertAt(dots.eyeRight(), 0.625, 0.475, tolerance);
    // mouth corners at (200 ∓ 22, 240): (98 ∓ 22) / 240 and 174 / 240 of the output
    assertAt(dots.mouthLeft(), 98.0 / 240, 174.0 / 240, tolerance);
    assertAt(dots.mouthRight(), 142.0 / 240, 174.0 / 240, tolerance);
  }

  private static void assertAt(double[] found, double u, double v, double tolerance) {
    assertThat(found[0]).isCloseTo(u * SIZE - 0.5, within(tolerance));
    assertThat(found[1]).isCloseTo(v * SIZE - 0.5, within(tolerance));
  }

  /** The layout described above, in a 400 x 400 photo, moved by (dx, dy). */
  private static Synthetic upright(int dx, int dy) {
    return Synthetic.draw(400, 400, 1, 0, dx, dy);
  }

  /** The layout turned by {@code degrees} about the photo's centre. */
  private static Synthetic rotated(double degrees) {
    return Synthetic.draw(400, 400, 1, Math.toRadians(degrees), 0, 0);
  }

  /** A photo and the landmarks of the face drawn in it. */
  private record Synthetic(RgbImage photo, FaceLandmarks face) {
    /**
     * Eyes at (170, 180) and (230, 180), mouth corners at (178, 240) and (222, 240), scaled by {@code scale},
     * turned by {@code angle} about (200, 200)·scale and moved by (dx, dy); dots of radius 6·scale.
     */
    static Synthetic draw(int width, int height, double scale, double angle, int dx, int dy) {
      double[][] points = {{170, 180}, {230, 180}, {178, 240}, {222, 240}};
      Point[] placed = new Point[4];
      for (int i = 0; i < 4; i++) {
        double x = (points[i][0] - 200) * scale;
        double y = (points[i][1] - 200) * scale;
        placed[i] = new Point(
            200 * scale + x * Math.cos(angle) - y * Math.sin(angle) + dx,
            200 * scale + x * Math.sin(angle) + y * Math.cos(angle) + dy);
      }
      byte[] rgb = new byte[width * height * 3];
      double radius = 6 * scale;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int grey = 100 + 60 * (x + y) / (width + height);
          int[] colour = {grey, grey, grey};
          for (int i = 0; i < 4; i++) {
            if (Math.hypot(x - placed[i].x(), y - placed[i].y()) <= radius) {
              colour = i < 2 ? new int[] {255, 0, 0} : new int[] {0, 0, 255};
            }
          }
          for (int c = 0; c < 3; c++) {
            rgb[(y * width + x) * 3 + c] = (byte) colour[c];
          }
        }
      }
      return new Synthetic(
          RgbImage.of(width, height, rgb), new FaceLandmarks(placed[0], placed[1], placed[2], placed[3]));
    }
  }

  /** Centroids (x, y) of the red and blue dots of an aligned image, left and right of its middle. */
  private record Dots(double[] eyeLeft, double[] eyeRight, double[] mouthLeft, double[] mouthRight) {
    static Dots find(RgbImage image) {
      return new Dots(
          centroid(image, 0, true), centroid(image, 0, false), centroid(image, 2, true), centroid(image, 2, false));
    }

    /** Centroid of the pixels of pure colour {@code channel} (0 red, 2 blue), weighted by how much they stand out. */
    private static double[] centroid(RgbImage image, int channel, boolean leftHalf) {
      double sx = 0;
      double sy = 0;
      double total = 0;
      for (int y = 0; y < image.height(); y++) {
        for (int x = leftHalf ? 0 : image.width() / 2; x < (leftHalf ? image.width() / 2 : image.width()); x++) {
          int others = image.get(x, y, 1) + image.get(x, y, 2 - channel);
          double weight = Math.max(0, image.get(x, y, channel) - others / 2.0 - 40);
          sx += weight * x;
          sy += weight * y;
          total += weight;
        }
      }
      assertThat(total).as("no dot of channel %s found", channel).isPositive();
      return new double[] {sx / total, sy / total};
    }
  }
}
