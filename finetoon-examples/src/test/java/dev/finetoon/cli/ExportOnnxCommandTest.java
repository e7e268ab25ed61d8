package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.testing.ReferenceData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportOnnxCommandTest {
  @TempDir Path dir;

  @Test
  void writesMappingBlocksAndWholeGenerator() {
    CliRun run = CliRun.of("export-onnx", "--network", ReferenceData.tiny("tiny_toon.pkl"), "--outdir", dir);

    assertThat(run.exitCode()).as(run.err()).isZero();
    for (String name : new String[] {"mapping", "synthesis.b4", "synthesis.b32", "generator"}) {
      assertThat(dir.resolve(name + ".onnx")).isRegularFile();
      assertThat(run.out()).contains(dir.resolve(name + ".onnx").toString());
    }
  }
}
