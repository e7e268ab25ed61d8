package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.testing.ReferenceData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InfoCommandTest {
  @ParameterizedTest
  @CsvSource({"tiny_base.pkl, nvidia-snapshot", "tiny_toon.pkl, nvidia-generator"})
  void describesBothPickleShapes(String file, String format) {
    CliRun run = CliRun.of("info", ReferenceData.tiny(file));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("format: " + format + " (")
        .contains("z_dim 32, c_dim 0, w_dim 32, num_ws 8")
        .contains("resolution 32, img_channels 3")
        .contains("mapping: 2 layers")
        .contains("conv_clamp 256")
        .containsPattern("synthesis\\.b4 +4 +0 +64 +\\d+ +0-1")
        .containsPattern("synthesis\\.b8 +8 +64 +64 +\\d+ +1-3")
        .containsPattern("synthesis\\.b16 +16 +64 +32 +\\d+ +3-5")
        .containsPattern("synthesis\\.b32 +32 +32 +16 +\\d+ +5-7")
        .containsPattern("mapping\\.fc0 +32 +32 +1056")
        .containsPattern("mapping\\.fc1 +32 +32 +1056")
        .contains("source: " + ReferenceData.tiny(file));
  }
}
