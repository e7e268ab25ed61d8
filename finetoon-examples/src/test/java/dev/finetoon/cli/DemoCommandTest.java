package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.io.ModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void writesFigureImagesAndBlend() throws IOException {
    CliRun run = CliRun.of("demo", "--outdir", dir, "--size", "32");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("random-weight stand-ins").contains("--network ffhq.pkl");
    assertThat(dir.resolve("comparison.png")).isRegularFile();
    for (String model : new String[] {"human", "toon", "blend"}) {
      assertThat(dir.resolve(model).resolve("seed0000.png")).isRegularFile();
      assertThat(dir.resolve(model).resolve("seed0003.png")).isRegularFile();
    }
    assertThat(ModelFiles.read(dir.resolve("blend.safetensors")).provenance())
        .containsEntry("blend.alpha", "8=1.0,16=1.0,32=1.0");
  }
}
