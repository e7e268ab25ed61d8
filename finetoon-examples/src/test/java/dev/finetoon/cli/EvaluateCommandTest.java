package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.image.ImageGrid;
import dev.finetoon.testing.ReferenceData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate} on the tiny models, whose random faces are no faces: descriptors of the whole images. */
class EvaluateCommandTest {
  private static final Pattern ROW = Pattern.compile("(?m)^\\s*(\\d+)  (\\S+)$");

  @TempDir Path dir;

  @Test
  void printsOneDistancePerSeedForABlend() {
    CliRun run =
        CliRun.of("evaluate", "--base", ReferenceData.tiny("tiny_base.pkl"),
            "--donor", ReferenceData.tiny("tiny_toon.pkl"), "--blocks", "16,32", "--seeds", "0-2,303");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("with blocks [16, 32] of", "seed  identity distance");
    List<String[]> rows = rows(run.out());
    assertThat(rows).extracting(row -> row[0]).containsExactly("0", "1", "2", "303");
    assertThat(rows).allSatisfy(row -> assertThat(Double.parseDouble(row[1])).isFinite().isGreaterThanOrEqualTo(0));
    assertThat(rows).anySatisfy(row -> assertThat(Double.parseDouble(row[1])).isPositive());
    assertThat(run.out()).containsPattern(
        "identity distance over 4 seeds: mean \\d\\.\\d{4}, median \\d\\.\\d{4}, max \\d\\.\\d{4}; \\d of 4 under 0.6");
  }

  @Test
  void aModelAgainstItselfIsAtDistanceZeroAndDrawsTheGrid() throws IOException {
    Path grid = dir.resolve("identity.png");
    CliRun run =
        CliRun.of("evaluate", "--base", ReferenceData.tiny("tiny_base.pkl"), "--network",
            ReferenceData.tiny("tiny_base.pkl"), "--seeds", "0,1,303", "--trunc", "1", "--out", grid);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(rows(run.out())).extracting(row -> row[1]).containsExactly("0.0000", "0.0000", "0.0000");
    assertThat(run.out()).contains("mean 0.0000, median 0.0000, max 0.0000; 3 of 3 under 0.6", "grid: " + grid);
    BufferedImage tile = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    BufferedImage expected =
        new ImageGrid()
            .columnLabels("human", "toon")
            .row(EvaluateCommand.rowLabel(0, 0.0), tile, tile)
            .row(EvaluateCommand.rowLabel(1, 0.0), tile, tile)
            .row(EvaluateCommand.rowLabel(303, 0.0), tile, tile)
            .render();
    BufferedImage actual = ImageIO.read(grid.toFile());
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
  }

  @Test
  void detectReportsImagesWithoutFaces() {
    CliRun run =
        CliRun.of("evaluate", "--base", ReferenceData.tiny("tiny_base.pkl"), "--network",
            ReferenceData.tiny("tiny_toon.pkl"), "--seeds", "0,1", "--detect");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("   0  no face found (human, toon)", "   1  no face found (human, toon)",
        "identity distance: no seed has a face in both images");
  }

  @Test
  void aVerdictNeedsAFaceInBothImages() {
    Path image = dir.resolve("seed0000.png");
    assertThat(CliRun.of("generate", "--network", ReferenceData.tiny("tiny_base.pkl"), "--seeds", "0",
        "--outdir", dir).exitCode()).isZero();

    CliRun same = CliRun.of("evaluate", "--aligned", image, "--toonified", image);
    CliRun noFace = CliRun.of("evaluate", "--photo", image, "--toonified", image);

    // A random model's image shows no face, so there is no verdict on it, not even against itself.
    assertThat(same.exitCode()).isEqualTo(1);
    assertThat(same.err()).isEqualTo("finetoon: error: no face found in " + image
        + ": a verdict needs a face in both images" + System.lineSeparator());
    assertThat(noFace.exitCode()).isEqualTo(1);
    assertThat(noFace.err()).isEqualTo("finetoon: error: no face found in " + image
        + "; give its aligned crop with --aligned" + System.lineSeparator());
  }

  @Test
  void argumentErrorsAreOneLine() {
    Path missing = dir.resolve("nope.pkl");
    String tiny = ReferenceData.tiny("tiny_base.pkl").toString();
    assertOneLineError(CliRun.of("evaluate", "--network", tiny, "--seeds", "0"),
        "--base FILE is missing: the human model");
    assertOneLineError(CliRun.of("evaluate", "--base", tiny, "--donor", tiny, "--network", tiny, "--seeds", "0"),
        "give --donor FILE (with --blocks) or --network FILE, not both");
    assertOneLineError(CliRun.of("evaluate", "--base", tiny, "--seeds", "0"),
        "give the toon model: --donor FILE (with --blocks) or --network FILE");
    assertOneLineError(CliRun.of("evaluate", "--base", tiny, "--network", tiny, "--blocks", "32", "--seeds", "0"),
        "--blocks needs --donor");
    assertOneLineError(CliRun.of("evaluate", "--base", tiny, "--network", tiny),
        "--seeds LIST is missing, e.g. --seeds 0-15");
    assertOneLineError(CliRun.of("evaluate", "--base", missing, "--network", tiny, "--seeds", "0"),
        "no such file: " + missing);
    assertOneLineError(CliRun.of("evaluate", "--base", tiny, "--photo", "me.jpg", "--toonified", "t.png"),
        "give either models (--base, --donor or --network, --seeds) or a photo and its result (--photo or "
            + "--aligned, --toonified), not both");
    assertOneLineError(CliRun.of("evaluate", "--photo", "me.jpg"), "--toonified FILE is missing: the toonified result");
    assertOneLineError(CliRun.of("evaluate"), "give --base FILE with --donor FILE or --network FILE and --seeds LIST, "
        + "or --toonified FILE with --photo or --aligned");
  }

  private static void assertOneLineError(CliRun run, String message) {
    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("finetoon: error: " + message + System.lineSeparator());
  }

  /** The table's rows: seed and distance (or the first word of what replaced it). */
  private static List<String[]> rows(String out) {
    Matcher m = ROW.matcher(out);
    List<String[]> rows = new ArrayList<>();
    while (m.find()) {
      rows.add(new String[] {m.group(1), m.group(2)});
    }
    return rows;
  }
}
