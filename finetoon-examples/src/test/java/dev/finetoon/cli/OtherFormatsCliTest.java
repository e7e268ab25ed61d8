package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetoon.Tensor;
import dev.finetoon.io.NpyFile;
import dev.finetoon.testing.FormatCases;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code generate}, {@code info} and {@code scan} on the models of ../shared/reference/formats. */
class OtherFormatsCliTest {
  @TempDir Path dir;

  static Stream<FormatCases.Case> generateCases() {
    return FormatCases.of("generate");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generateCases")
  void generatesWhatTheFormatsOwnCodeGenerates(FormatCases.Case c) throws IOException {
    List<Object> args = new ArrayList<>(List.of("generate", "--network", ReferenceData.formats(c.file()),
        "--seeds", "0,1,303", "--trunc", c.psi(), "--outdir", dir, "--npy", dir.resolve("img.npy"),
        "--ws-npy", dir.resolve("ws.npy")));
    String latent = c.spec().path("truncation_latent").asText("");
    if (latent.endsWith(".npy")) {
      args.addAll(List.of("--w-avg", ReferenceData.formats(latent)));
    }
    CliRun run = CliRun.of(args.toArray());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(read(dir.resolve("ws.npy")).maxAbsDifference(c.array("ws"))).isLessThanOrEqualTo(1e-4f);
    assertThat(read(dir.resolve("img.npy")).maxAbsDifference(c.array("img"))).isLessThanOrEqualTo(1e-3f);
  }

  @ParameterizedTest
  @CsvSource({
    "ros_train.pt, rosinality, 'z_dim 32, c_dim 0, w_dim 32, num_ws 8', 24, conv_clamp none, w_avg: mean of 4096",
    "ros_converted.pt, rosinality, 'z_dim 32, c_dim 0, w_dim 32, num_ws 8', 24, conv_clamp none, "
        + "w_avg: the file's latent_avg",
    "tf_sg2019.pkl, tensorflow, 'z_dim 32, c_dim 0, w_dim 32, num_ws 8', 24, conv_clamp none, tf_version: 4",
    "tf_ada2020.pkl, tensorflow, 'z_dim 24, c_dim 0, w_dim 32, num_ws 8', 32, conv_clamp 256, tf_version: 5",
    "sg3_stylegan2.pkl, stylegan3-repo-snapshot, 'z_dim 24, c_dim 0, w_dim 32, num_ws 8', 24, conv_clamp 256, "
        + "format: stylegan3-repo-snapshot"
  })
  void infoNamesFormatAndConfiguration(
      String file, String format, String sizes, int channelMax, String clamp, String detail) {
    CliRun run = CliRun.of("info", ReferenceData.formats(file));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("format: " + format + " (", sizes, clamp, detail, "resolution 32, img_channels 3")
        .contains("channel_base 256, channel_max " + channelMax)
        .containsPattern("synthesis\\.b32 +32 +16 +8 +\\d+ +5-7");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ros_train.pt", "ros_converted.pt", "ros_g_ema.pt", "ros_toon_g.pt", "tf_sg2019.pkl",
      "tf_ada2020.pkl", "sg3_stylegan2.pkl", "sg3_stylegan3t.pkl"})
  void scanListsEveryGlobalTheReferenceFoundAsKnown(String file) {
    CliRun run = CliRun.of("scan", ReferenceData.formats(file));

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode globals = FormatCases.index().get("pickle_globals").get(file);
    assertThat(run.out()).contains("globals (" + globals.size() + "):", "verdict: clean");
    globals.forEach(g -> assertThat(run.out()).containsPattern("\\n  known +" + g.asText().replace(".", "\\.")
        + "\\n"));
    assertThat(run.out()).doesNotContain("unknown", "DANGEROUS", "SUSPICIOUS");
  }

  @Test
  void aStyleGan3GeneratorIsRefusedNamingStyleGan3() {
    CliRun run = CliRun.of("generate", "--network", ReferenceData.formats("sg3_stylegan3t.pkl"), "--seeds", "0",
        "--outdir", dir);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("StyleGAN3 (alias-free) generators are not supported");
    assertThat(dir.resolve("seed0000.png")).doesNotExist();
  }

  private static Tensor read(Path file) throws IOException {
    return NpyFile.read(file).toTensor();
  }
}
