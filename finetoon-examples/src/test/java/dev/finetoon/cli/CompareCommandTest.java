package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.image.ImageGrid;
import dev.finetoon.testing.ReferenceData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
  @TempDir Path dir;

  @Test
  void drawsOneRowPerSeedUnderLabelledColumns() throws IOException {
    Path figure = dir.resolve("grid.png");
    CliRun run =
        CliRun.of("compare", "--base", ReferenceData.tiny("tiny_base.pkl"),
            "--donor", ReferenceData.tiny("tiny_toon.pkl"),
            "--seeds", "0,303", "--trunc", "0.7", "--out", figure);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("[7/8] donor ≥ 32", "[8/8] donor < 32");
    BufferedImage tile = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    BufferedImage expected =
        new ImageGrid()
            .columnLabels("base", "donor", "donor ≥ 8", "donor < 8", "donor ≥ 16", "donor < 16", "donor ≥ 32",
                "donor < 32")
            .row("seed 0", Collections.nCopies(8, tile))
            .row("seed 303", Collections.nCopies(8, tile))
            .render();
    BufferedImage actual = ImageIO.read(figure.toFile());
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).as("the grid, then its caption").isGreaterThan(expected.getHeight() + 20);
  }
}
