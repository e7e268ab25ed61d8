package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Tensor;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyFile;
import dev.finetoon.io.NpzFile;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate, blend, convert, project and toonify on 1024² generators: config-f's resolution and 18 ws, at reduced
 * widths (32 channels up to 64², halving to 2 at 1024²) and w_dim 32 so that the test stays fast. The real-width runs
 * are {@code GeneratorBench --resolution 1024}.
 */
class HighResolutionTest {
  @TempDir static Path dir;
  private static Path base;
  private static Path toon;
  private static Path photo;

  @BeforeAll
  static void models() throws IOException {
    GeneratorConfig config = GeneratorConfig.builder(32, 32, 1024)
        .mapping(MappingConfig.defaults(32, 0).withNumLayers(2))
        .synthesis(new SynthesisConfig(2048, 32, 0, OptionalDouble.empty(), SynthesisConfig.SKIP,
            List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
    assertThat(config.numWs()).isEqualTo(18);
    base = dir.resolve("base1024.safetensors");
    toon = dir.resolve("toon1024.safetensors");
    ModelFiles.write(RandomModels.create(config, 1), base);
    ModelFiles.write(RandomModels.create(config, 2), toon);
    CliRun run = CliRun.of("generate", "--network", base, "--seeds", "7", "--trunc", "0.5", "--outdir",
        dir.resolve("photo"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    photo = dir.resolve("photo/seed0007.png");
  }

  @Test
  void generatesInBatchesWhatSingleSeedsGive() throws IOException {
    Tensor three = generate(base, "0-2", "three");
    Tensor last = generate(base, "2", "last");

    assertThat(three.shape()).containsExactly(3, 3, 1024, 1024);
    assertThat(BatchRenderer.batchSize(ModelFiles.read(base).config())).isEqualTo(2);
    assertThat(three.slice(2, 3)).isEqualTo(last);
    assertThat(NpyFile.read(dir.resolve("three-ws.npy")).shape()).containsExactly(3, 18, 32);
    RgbImage png = PhotoReader.defaults().read(dir.resolve("three/seed0002.png"));
    assertThat(png.width()).isEqualTo(1024);
    assertThat(png.height()).isEqualTo(1024);
  }

  @Test
  void blendsTheTopBlocksAndConvertsToRosinalityAndBack() throws IOException {
    Path blend = dir.resolve("blend1024.safetensors");
    Path ros = dir.resolve("blend1024.pt");
    assertThat(CliRun.of("blend", "--base", base, "--donor", toon, "--blocks", "512,1024", "--out", blend)
        .exitCode()).isZero();
    CliRun convert = CliRun.of("convert", "--network", blend, "--to", "rosinality", ros);

    assertThat(convert.exitCode()).as(convert.err()).isZero();
    StyleGanModel blended = ModelFiles.read(blend);
    StyleGanModel donor = ModelFiles.read(toon);
    assertThat(blended.tensor("synthesis.b1024.conv1.weight")).isEqualTo(donor.tensor("synthesis.b1024.conv1.weight"));
    assertThat(ModelFiles.read(ros).tensors()).isEqualTo(blended.tensors());
    Tensor blendImages = generate(blend, "3", "blend");
    assertThat(generate(ros, "3", "ros")).isEqualTo(blendImages);
    assertThat(blendImages).isNotEqualTo(generate(base, "3", "base3"));
  }

  @Test
  void projectsAndToonifiesA1024Photo() throws IOException {
    Path out = dir.resolve("toonified");
    CliRun run = CliRun.of("toonify", "--base", base, "--donor", toon, "--blocks", "512,1024", "--photo", photo,
        "--vgg", ReferenceData.tiny("tiny_lpips.pt"), "--num-steps", "3", "--centre-crop", "--outdir", out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("step 3/3");
    assertThat(NpzFile.read(out.resolve("projected_w.npz")).get("w").shape()).containsExactly(1, 18, 32);
    RgbImage toonified = PhotoReader.defaults().read(out.resolve("toonified.png"));
    assertThat(toonified.width()).isEqualTo(1024);
    assertThat(toonified).isNotEqualTo(PhotoReader.defaults().read(out.resolve("reconstruction.png")));
  }

  private static Tensor generate(Path network, String seeds, String name) throws IOException {
    CliRun run = CliRun.of("generate", "--network", network, "--seeds", seeds, "--trunc", "0.7", "--outdir",
        dir.resolve(name), "--npy", dir.resolve(name + ".npy"), "--ws-npy", dir.resolve(name + "-ws.npy"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return NpyFile.read(dir.resolve(name + ".npy")).toTensor();
  }
}
