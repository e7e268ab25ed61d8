package dev.finetoon.onnx.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.finetoon.face.FaceLandmarks;
import dev.finetoon.face.MainFace;
import dev.finetoon.face.Point;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The main face of face-api.js's sample2.jpg: its largest detection is a woman in profile, hand at her mouth, whose
 * FFHQ crop is her hand and nose; the main face is the frontal one beside her.
 */
class MainFaceTest {
  private static final Path REFERENCE = Path.of("target", "face-api-reference");

  private static RgbImage sample(String name) throws IOException {
    Path file = REFERENCE.resolve(name + ".rgb.npy");
    Assumptions.assumeTrue(Files.exists(file), "no " + file.toAbsolutePath() + ": the build writes it with Node.js "
        + "(test-tools/face-api-reference/run.sh); skipping");
    NpyArray rgb = NpyFile.read(file);
    return RgbImage.of(rgb.shape()[1], rgb.shape()[0], rgb.toLittleEndianBytes());
  }

  @Test
  void aFrontalWellLandmarkedFaceBeatsALargerOneInProfile() throws IOException {
    RgbImage photo = sample("sample2");
    try (FaceApi faceApi = FaceApi.open()) {
      List<DetectedFace> faces = faceApi.detectAll(photo);
      DetectedFace largest = faces.stream().max(DetectedFace.BY_SIZE).orElseThrow();
      DetectedFace main = faces.stream().max(DetectedFace.BY_MAIN_FACE).orElseThrow();

      assertThat(faces).hasSizeGreaterThanOrEqualTo(2);
      assertThat(largest.box().x()).as("the woman in profile, on the left").isLessThan(600);
      assertThat(largest.alignsPoorly()).isTrue();
      assertThat(main).isNotSameAs(largest);
      assertThat(main.box().x()).as("the frontal face in the middle").isBetween(700.0, 1100.0);
      assertThat(main.frontality()).isGreaterThan(largest.frontality());
      assertThat(main.alignsPoorly()).isFalse();
    }
    try (FaceApiLandmarker landmarker = FaceApiLandmarker.open()) {
      FaceLandmarks chosen = landmarker.locate(photo).orElseThrow();
      assertThat(chosen.eyeLeft().x()).as("toonify's landmarks are the main face's").isBetween(700.0, 1100.0);
    }
  }

  @Test
  void frontalityIsOneForASymmetricFaceAndSmallInProfile() {
    List<Point> frontal = new ArrayList<>();
    for (int i = 0; i < 68; i++) {
      frontal.add(new Point(50, 50));
    }
    frontal.set(0, new Point(0, 50));
    frontal.set(16, new Point(100, 50));
    List<Point> profile = new ArrayList<>(frontal);
    profile.set(30, new Point(90, 50)); // the nose tip near one ear

    assertThat(MainFace.frontality(frontal)).isEqualTo(1.0);
    assertThat(MainFace.frontality(profile)).isCloseTo(10.0 / 90, offset(1e-12));
    assertThat(MainFace.alignsPoorly(0.9, profile)).isTrue();
    assertThat(MainFace.alignsPoorly(0.4, frontal)).isTrue();
    assertThat(MainFace.alignsPoorly(0.9, frontal)).isFalse();
  }
}
