package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.io.ModelFiles;
import dev.finetoon.testing.ReferenceData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void showsTheRealFacePipelineAndLabelsTheStandInsAsSuch() throws IOException {
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("demo", "--outdir", out, "--size", "32", "--cache-dir", dir.resolve("empty-cache"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("face pipeline (real)", "  3 faces: ", "random-weight stand-in models: textures, not faces",
            "[3/8] donor ≥ 8 (saved blend)", "projection: skipped, it needs NVIDIA's vgg16.pt",
            "bin/finetoon models pull vgg16", "(try: bin/finetoon info ")
        .doesNotContain("toonify <", "human");
    BufferedImage faces = ImageIO.read(out.resolve("faces.png").toFile());
    assertThat(faces.getWidth()).isEqualTo(960);
    assertThat(faces.getHeight()).isGreaterThan(640); // sample1.jpg is 1920x1280, then the caption strip
    BufferedImage aligned = ImageIO.read(out.resolve("aligned.png").toFile());
    assertThat(aligned.getWidth()).isEqualTo(256);
    assertThat(aligned.getHeight()).isGreaterThan(256);
    for (String model : new String[] {"base", "donor", "blend"}) {
      BufferedImage image = ImageIO.read(out.resolve(model).resolve("seed0000.png").toFile());
      assertThat(image.getHeight()).as("a caption under the 32² image").isGreaterThan(32);
      assertThat(out.resolve(model).resolve("seed0003.png")).isRegularFile();
    }
    assertThat(out.resolve("comparison.png")).isRegularFile();
    assertThat(out.resolve("projection.png")).doesNotExist();
    assertThat(ModelFiles.read(out.resolve("blend.safetensors")).provenance())
        .containsEntry("blend.alpha", "8=1.0,16=1.0,32=1.0");
  }

  @Test
  void projectsWhenTheFeatureNetworkIsCached() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.copy(ReferenceData.tiny("tiny_lpips.pt"), cache.resolve("vgg16.pt"));
    CliRun run = CliRun.of("demo", "--outdir", dir.resolve("out"), "--size", "32", "--cache-dir", cache,
        "--num-steps", "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("projection (real optimisation, stand-in model)", "step 2/2: dist ");
    assertThat(dir.resolve("out").resolve("projection.png")).isRegularFile();
  }

  /** {@code --real} on a cache holding the tiny models under the catalogue's names: the wiring, offline. */
  @Test
  void realToonifiesThePhotoWithTheCataloguesModels() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.copy(ReferenceData.tiny("tiny_base.pkl"), cache.resolve("ffhq.pkl"));
    Files.copy(ReferenceData.tiny("tiny_toon.pkl"), cache.resolve("metfaces.pkl"));
    Files.copy(ReferenceData.tiny("tiny_lpips.pt"), cache.resolve("vgg16.pt"));
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("demo", "--real", "--outdir", out, "--cache-dir", cache, "--num-steps", "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("using cached " + cache.resolve("ffhq.pkl"), "using cached "
        + cache.resolve("metfaces.pkl"), "redraw it with metfaces' blocks [8, 16, 32]", "step 2/2");
    assertThat(ImageIO.read(out.resolve("real").resolve("toonified.png").toFile()).getWidth()).isEqualTo(32);
    assertThat(out.resolve("real").resolve("toonify.png")).isRegularFile();
    assertThat(out.resolve("comparison.png")).doesNotExist();
  }
}
