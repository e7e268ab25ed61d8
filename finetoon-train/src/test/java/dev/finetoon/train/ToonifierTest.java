package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Toonifier;
import dev.finetoon.Truncation;
import dev.finetoon.face.FaceLandmarks;
import dev.finetoon.face.FfhqAligner;
import dev.finetoon.face.NoFaceFoundException;
import dev.finetoon.image.Images;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.onnx.face.FaceApiLandmarker;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Toonifying end to end on the tiny models: a photo the human model made (centre cropped), and face-api.js's demo
 * photos, whose faces the built-in detector finds and aligns.
 */
class ToonifierTest {
  @Test
  void toonifiesAGeneratedFaceWithTheBlendedModel() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    StyleGanModel toon = ReferenceCases.model("toon");
    BufferedImage photo;
    try (Generator g = Generators.open(base)) {
      photo = Images.toImages(g.generate(List.of(11L), Truncation.of(0.7), Noise.CONST)).get(0);
    }
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(100);
    try (Toonifier toonifier = Toonifier.builder().base(base).blend(toon, 16, 32)
            .featureNetwork(ReferenceData.tiny("tiny_lpips.pt")).projection(options).centreCrop().build();
        Generator blend = Generators.open(toonifier.toonModel())) {
      Toonifier.Result result = toonifier.toonify(RgbImage.from(photo), (step, steps, distance, loss) -> true);

      Tensor ws = result.projection().ws();
      BufferedImage expected =
          Images.toImages(blend.synthesis(ws.reshape(1, ws.dim(0), ws.dim(1)), Noise.CONST)).get(0);
      assertThat(RgbImage.from(result.toonified())).isEqualTo(RgbImage.from(expected));
      assertThat(RgbImage.from(result.target())).isEqualTo(RgbImage.from(photo));
      assertThat(RgbImage.from(result.toonified())).isNotEqualTo(RgbImage.from(result.reconstruction()));
      assertThat(result.projection().losses()).hasSize(100);
      assertThat(result.projection().losses().get(99)).isLessThan(result.projection().losses().get(0));
      assertThat(toonifier.toonModel().provenance()).containsEntry("blend.alpha", "16=1.0,32=1.0");
    }
  }

  @Test
  void theBuiltInDetectorToonifiesEveryFaceLargestFirst() throws IOException {
    RgbImage photo = faceApiDemoPhoto("sample5"); // five people
    StyleGanModel base = ReferenceCases.model("base");
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(3);
    List<FaceLandmarks> faces;
    try (FaceApiLandmarker detector = FaceApiLandmarker.open()) {
      faces = detector.locateAll(photo);
    }
    try (Toonifier toonifier = Toonifier.builder().base(base).blend(ReferenceCases.model("toon"), 16, 32)
        .featureNetwork(ReferenceData.tiny("tiny_lpips.pt")).projection(options).build()) {
      List<Toonifier.Result> all = toonifier.toonifyAll(photo, (step, steps, distance, loss) -> true);
      Toonifier.Result main = toonifier.toonify(photo, (step, steps, distance, loss) -> true);

      assertThat(faces).hasSize(5);
      assertThat(all).hasSize(5);
      for (int i = 0; i < 5; i++) {
        RgbImage aligned = FfhqAligner.of(32).align(photo, faces.get(i));
        assertThat(RgbImage.from(all.get(i).target())).as("face %s", i).isEqualTo(aligned);
      }
      assertThat(RgbImage.from(main.target())).isEqualTo(RgbImage.from(all.get(0).target()));
    }
  }

  @Test
  void aPhotoWithoutAFaceIsAClearError() throws IOException {
    RgbImage grey = RgbImage.of(64, 48, new byte[64 * 48 * 3]);
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(3);
    StyleGanModel base = ReferenceCases.model("base");
    try (Toonifier toonifier =
        Toonifier.builder().base(base).blend(ReferenceCases.model("toon"), 32)
            .featureNetwork(ReferenceData.tiny("tiny_lpips.pt")).projection(options).build()) {
      assertThatThrownBy(() -> toonifier.toonify(grey, ProjectionListener.NONE))
          .isInstanceOf(NoFaceFoundException.class)
          .hasMessageStartingWith("no face found in the 64x48 photo");
      assertThatThrownBy(() -> toonifier.toonifyAll(grey, ProjectionListener.NONE))
          .isInstanceOf(NoFaceFoundException.class);
    }
  }

  /** A photo as face-api.js decoded it; finetoon-onnx's build writes them (with Node.js). */
  private static RgbImage faceApiDemoPhoto(String name) throws IOException {
    Path file = Path.of("..", "finetoon-onnx", "target", "face-api-reference", name + ".rgb.npy");
    Assumptions.assumeTrue(Files.exists(file),
        "no " + file + ": finetoon-onnx's build writes face-api.js's demo photos with Node.js; skipping");
    NpyArray rgb = NpyFile.read(file);
    return RgbImage.of(rgb.shape()[1], rgb.shape()[0], rgb.toLittleEndianBytes());
  }
}
