package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyFile;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlendCommandTest {
  @TempDir Path dir;

  @Test
  void blendedFileGeneratesWhatNvidiaGenerates() throws IOException {
    Path blend = dir.resolve("blend.safetensors");
    CliRun blended =
        CliRun.of("blend", "--base", ReferenceData.tiny("tiny_base.pkl"),
            "--donor", ReferenceData.tiny("tiny_toon.pkl"),
            "--blocks", "16,32", "--out", blend);
    assertThat(blended.exitCode()).as(blended.err()).isZero();

    Path img = dir.resolve("img.npy");
    CliRun generated =
        CliRun.of("generate", "--network", blend, "--seeds", "0,1,303", "--trunc", "0.7", "--noise-mode", "const",
            "--outdir", dir, "--npy", img);

    assertThat(generated.exitCode()).as(generated.err()).isZero();
    assertThat(NpyFile.read(img).toTensor().maxAbsDifference(
            NpyFile.read(ReferenceData.tiny("tiny_blend_16_32_psi0.7_cutNone_const_img.npy")).toTensor()))
        .isLessThanOrEqualTo(1e-3f);
  }

  @Test
  void alphasInterpolateTheNamedBlocks() throws IOException {
    Path blend = dir.resolve("soft.safetensors");
    CliRun run =
        CliRun.of("blend", "--base", ReferenceData.tiny("tiny_base.pkl"),
            "--donor", ReferenceData.tiny("tiny_toon.pkl"),
            "--alpha", "16=0.5,32=1", "--out", blend);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(ModelFiles.read(blend).provenance()).containsEntry("blend.alpha", "16=0.5,32=1.0");
  }

  @Test
  void blocksAndAlphaExcludeEachOther() {
    CliRun run =
        CliRun.of("blend", "--base", "a.pkl", "--donor", "b.pkl", "--blocks", "16", "--alpha", "16=1", "--out", "c");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
  }
}
