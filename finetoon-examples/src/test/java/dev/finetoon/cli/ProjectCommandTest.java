package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpzFile;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code project} on a face the tiny base model drew itself. */
class ProjectCommandTest {
  @TempDir Path dir;

  /** seed 11 of the tiny base model, ψ 0.7, as a PNG "photo". */
  static Path generatedPhoto(Path dir) throws IOException {
    Path photo = dir.resolve("photo.png");
    try (Generator g = Generators.open(ModelFiles.read(ReferenceData.tiny("tiny_base.pkl")))) {
      Images.writePng(Images.toImages(g.generate(List.of(11L), Truncation.of(0.7), Noise.CONST)).get(0), photo);
    }
    return photo;
  }

  @Test
  void writesTargetProjectionAndItsRenderingWhichGenerateReproduces() throws IOException {
    Path photo = generatedPhoto(dir);
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of("project", "--network", ReferenceData.tiny("tiny_base.pkl"), "--target", photo,
            "--vgg", ReferenceData.tiny("tiny_lpips.pt"), "--num-steps", "20", "--outdir", out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("step  1/20: dist ", "step 20/20: dist ");
    assertThat(PhotoReader.defaults().read(out.resolve("target.png"))).isEqualTo(PhotoReader.defaults().read(photo));
    Map<String, NpyArray> npz = NpzFile.read(out.resolve("projected_w.npz"));
    assertThat(npz.keySet()).containsExactly("w");
    assertThat(npz.get("w").shape()).containsExactly(1, 8, 32);

    CliRun render =
        CliRun.of("generate", "--network", ReferenceData.tiny("tiny_base.pkl"),
            "--projected-w", out.resolve("projected_w.npz"), "--outdir", dir.resolve("rendered"));
    assertThat(render.exitCode()).as(render.err()).isZero();
    assertThat(PhotoReader.defaults().read(dir.resolve("rendered/proj00.png")))
        .isEqualTo(PhotoReader.defaults().read(out.resolve("proj.png")));
    assertThat(out.resolve("proj.gif")).doesNotExist();
  }

  @Test
  void saveVideoWritesAGifOfTargetAndRenderingEveryTenSteps() throws IOException {
    Path photo = generatedPhoto(dir);
    CliRun run =
        CliRun.of("project", "--network", ReferenceData.tiny("tiny_base.pkl"), "--target", photo,
            "--vgg", ReferenceData.tiny("tiny_lpips.pt"), "--num-steps", "25", "--outdir", dir, "--save-video");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("proj.gif (4 frames)"); // steps 0, 10, 20 and 24
    try (ImageInputStream in = ImageIO.createImageInputStream(dir.resolve("proj.gif").toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertThat(reader.getFormatName()).isEqualToIgnoringCase("gif");
      assertThat(reader.getNumImages(true)).isEqualTo(4);
      assertThat(reader.getWidth(3)).isEqualTo(64);
      assertThat(reader.getHeight(3)).isEqualTo(32);
      reader.dispose();
    }
  }

  @Test
  void landmarksAlignTheFaceInsteadOfCropping() throws IOException {
    Path photo = generatedPhoto(dir);
    Path landmarks = dir.resolve("face.json");
    java.nio.file.Files.writeString(landmarks,
        "{\"eye_left\": [11, 13], \"eye_right\": [20, 13], \"mouth_left\": [13, 23], \"mouth_right\": [19, 23]}");
    CliRun run =
        CliRun.of("project", "--network", ReferenceData.tiny("tiny_base.pkl"), "--target", photo,
            "--vgg", ReferenceData.tiny("tiny_lpips.pt"), "--num-steps", "1", "--landmarks", landmarks,
            "--outdir", dir.resolve("out"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("FFHQ-aligned, 32x32");
    var target = PhotoReader.defaults().read(dir.resolve("out/target.png"));
    assertThat(target.width()).isEqualTo(32);
    assertThat(target).isNotEqualTo(PhotoReader.defaults().read(photo));
  }
}
