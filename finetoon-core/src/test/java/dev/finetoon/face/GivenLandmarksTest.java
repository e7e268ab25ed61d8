package dev.finetoon.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.image.ImageFormatException;
import dev.finetoon.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GivenLandmarksTest {
  private static final RgbImage PHOTO = RgbImage.of(1, 1, new byte[3]);

  @TempDir Path dir;

  @Test
  void eyesAreTheMeansOfTheirSixIbugPointsAndMouthCornersPoints48And54() {
    FaceLandmarks face = FaceLandmarks.ofIbug68(ibug68());

    assertThat(face.eyeLeft()).isEqualTo(new Point(36 + 2.5, 1000 + 36 + 2.5));
    assertThat(face.eyeRight()).isEqualTo(new Point(42 + 2.5, 1000 + 42 + 2.5));
    assertThat(face.mouthLeft()).isEqualTo(new Point(48, 1048));
    assertThat(face.mouthRight()).isEqualTo(new Point(54, 1054));
    assertThatThrownBy(() -> FaceLandmarks.ofIbug68(ibug68().subList(0, 67)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("67");
  }

  @Test
  void readsThe68PointForm() throws IOException {
    StringJoiner json = new StringJoiner(", ", "[", "]");
    ibug68().forEach(p -> json.add("[" + p.x() + ", " + p.y() + "]"));
    Path file = Files.writeString(dir.resolve("face.json"), json.toString());

    assertThat(GivenLandmarks.read(file).locate(PHOTO)).contains(FaceLandmarks.ofIbug68(ibug68()));
  }

  @Test
  void readsTheFourPointForm() throws IOException {
    Path file = Files.writeString(
        dir.resolve("face.json"),
        "{\"eye_left\": [80, 100], \"eye_right\": [140.5, 101],"
            + " \"mouth_left\": [90, 170], \"mouth_right\": [130, 171]}");

    assertThat(GivenLandmarks.read(file).locate(PHOTO))
        .contains(new FaceLandmarks(
            new Point(80, 100), new Point(140.5, 101), new Point(90, 170), new Point(130, 171)));
  }

  @Test
  void refusesMalformedFilesWithAMessage() throws IOException {
    assertRefused("[[1, 2], [3, 4]]", "expected the 68 iBUG landmarks, found 2");
    assertRefused("{\"eye_left\": [1, 2]}", "eye_right must be an [x, y] pair");
    assertRefused("{\"eye_left\": [1, \"a\"]}", "eye_left must be an [x, y] pair");
    assertRefused("[[1, 2], 3", "not valid JSON");
    assertRefused("42", "expected a JSON array");
  }

  private void assertRefused(String json, String message) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), json);
    assertThatThrownBy(() -> GivenLandmarks.read(file))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(message);
  }

  /** Point i at (i, 1000 + i). */
  private static List<Point> ibug68() {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < 68; i++) {
      points.add(new Point(i, 1000 + i));
    }
    return points;
  }
}
