package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Tensor;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.io.NpzFile;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
  @TempDir Path dir;

  @Test
  void generatesWhatNvidiaGenerates() throws IOException {
    CliRun run =
        CliRun.of("generate", "--network", ReferenceData.tiny("tiny_base.pkl"), "--seeds", "0,1,303", "--trunc", "0.7",
            "--noise-mode", "const", "--outdir", dir,
            "--npy", dir.resolve("img.npy"), "--ws-npy", dir.resolve("ws.npy"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(read(dir.resolve("img.npy")).maxAbsDifference(reference("tiny_base_psi0.7_cutNone_const_img.npy")))
        .isLessThanOrEqualTo(1e-3f);
    assertThat(read(dir.resolve("ws.npy")).maxAbsDifference(reference("tiny_base_psi0.7_cutNone_const_ws.npy")))
        .isLessThanOrEqualTo(1e-4f);
    assertThat(dir.resolve("seed0000.png")).isRegularFile();
    assertThat(dir.resolve("seed0001.png")).isRegularFile();
    assertThat(dir.resolve("seed0303.png")).isRegularFile();
    assertThat(run.out()).contains("[3/3] " + dir.resolve("seed0303.png"));
  }

  @Test
  void truncationCutoffMatchesNvidia() throws IOException {
    CliRun run =
        CliRun.of("generate", "--network", ReferenceData.tiny("tiny_base.pkl"), "--seeds", "0,1,303", "--trunc", "0.5",
            "--trunc-cutoff", "4", "--outdir", dir, "--npy", dir.resolve("img.npy"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(read(dir.resolve("img.npy")).maxAbsDifference(reference("tiny_base_psi0.5_cut4_const_img.npy")))
        .isLessThanOrEqualTo(1e-3f);
  }

  @Test
  void batchesGiveWhatSingleSeedsGive() throws IOException {
    for (String mode : new String[] {"const", "random"}) {
      Path all = dir.resolve(mode + "-all.npy");
      Path one = dir.resolve(mode + "-one.npy");
      String network = ReferenceData.tiny("tiny_toon.pkl").toString();
      assertThat(CliRun.of("generate", "--network", network, "--seeds", "0-9", "--noise-mode", mode, "--outdir", dir,
          "--npy", all).exitCode()).isZero();
      assertThat(CliRun.of("generate", "--network", network, "--seeds", "9", "--noise-mode", mode, "--outdir", dir,
          "--npy", one).exitCode()).isZero();

      assertThat(read(all).slice(9, 10).maxAbsDifference(read(one))).as(mode).isLessThanOrEqualTo(1e-6f);
    }
  }

  @Test
  void rendersProjectedWs() throws IOException {
    Path projected = dir.resolve("projected_w.npz");
    NpzFile.write(projected, Map.of("w", NpyArray.of(reference("tiny_base_psi0.7_cutNone_const_ws.npy"))));
    CliRun run =
        CliRun.of("generate", "--network", ReferenceData.tiny("tiny_base.pkl"), "--projected-w", projected,
            "--outdir", dir, "--npy", dir.resolve("img.npy"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(read(dir.resolve("img.npy")).maxAbsDifference(reference("tiny_base_psi0.7_cutNone_const_img.npy")))
        .isLessThanOrEqualTo(1e-3f);
    assertThat(dir.resolve("proj00.png")).isRegularFile();
    assertThat(dir.resolve("proj02.png")).isRegularFile();
  }

  @Test
  void conditionalModelNeedsAClass() throws IOException {
    Path network = dir.resolve("conditional.safetensors");
    GeneratorConfig config =
        GeneratorConfig.builder(16, 16, 8)
            .cDim(3)
            .mapping(MappingConfig.defaults(16, 3).withNumLayers(2))
            .synthesis(
                new SynthesisConfig(
                    128, 16, 0, OptionalDouble.of(256), SynthesisConfig.SKIP, List.of(1.0, 3.0, 3.0, 1.0), true))
            .build();
    ModelFiles.write(RandomModels.create(config, 7), network);

    CliRun missing = CliRun.of("generate", "--network", network, "--seeds", "0", "--outdir", dir);
    CliRun given = CliRun.of("generate", "--network", network, "--seeds", "0", "--class", "2", "--outdir", dir);
    CliRun outOfRange = CliRun.of("generate", "--network", network, "--seeds", "0", "--class", "3", "--outdir", dir);

    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("finetoon: error: the model is conditional (c_dim 3): give --class N");
    assertThat(given.exitCode()).as(given.err()).isZero();
    assertThat(dir.resolve("seed0000.png")).isRegularFile();
    assertThat(outOfRange.exitCode()).isEqualTo(1);
    assertThat(outOfRange.err()).contains("--class 3 is out of range");
  }

  private static Tensor read(Path file) throws IOException {
    return NpyFile.read(file).toTensor();
  }

  private static Tensor reference(String name) throws IOException {
    return read(ReferenceData.tiny(name));
  }
}
