package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.testing.ReferenceData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliErrorsTest {
  @TempDir Path dir;

  @Test
  void missingFileIsOneLine() {
    Path missing = dir.resolve("nope.pkl");
    CliRun run = CliRun.of("generate", "--network", missing, "--seeds", "0", "--outdir", dir);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("finetoon: error: no such file: " + missing + System.lineSeparator());
  }

  @Test
  void badSeedListNamesTheItem() {
    Path network = ReferenceData.tiny("tiny_base.pkl");
    CliRun run = CliRun.of("generate", "--network", network, "--seeds", "1-x", "--outdir", dir);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).singleElement().asString().startsWith("finetoon: error: bad seed list item '1-x'");
  }

  @Test
  void blockMissingFromTheModelNamesTheBlocks() {
    CliRun run =
        CliRun.of("blend", "--base", ReferenceData.tiny("tiny_base.pkl"),
            "--donor", ReferenceData.tiny("tiny_toon.pkl"),
            "--blocks", "48", "--out", dir.resolve("x.safetensors"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("finetoon: error: no synthesis block at resolution 48; this model has [4, 8, 16, 32]"
            + System.lineSeparator());
  }

  @Test
  void classForAnUnconditionalModelIsAWarning() {
    CliRun run =
        CliRun.of("generate", "--network", ReferenceData.tiny("tiny_base.pkl"), "--seeds", "0", "--class", "3",
            "--outdir", dir);

    assertThat(run.exitCode()).isZero();
    assertThat(run.err())
        .isEqualTo("finetoon: warning: the model is unconditional: --class 3 is ignored" + System.lineSeparator());
    assertThat(dir.resolve("seed0000.png")).isRegularFile();
  }

  @Test
  void verbosePrintsTheStackTrace() {
    CliRun run = CliRun.of("info", dir.resolve("nope.pkl"), "--verbose");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("finetoon: error: no such file: ").contains("\tat dev.finetoon.io.ModelFiles");
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun run = CliRun.of("info", "model.pkl", "--bogus");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("finetoon: error: Unknown option: '--bogus' (see 'finetoon info --help')"
        + System.lineSeparator());
  }

  @Test
  void seedsAndProjectedWsExcludeEachOther() {
    CliRun run =
        CliRun.of("generate", "--network", "g.pkl", "--seeds", "0", "--projected-w", "w.npz", "--outdir", dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
  }
}
