package dev.finetoon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.Tensor;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageGridTest {
  private static final int WHITE = 0xFFFFFF;

  private static BufferedImage solid(int width, int height, int rgb) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  private static int rgb(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xFFFFFF;
  }

  /** Every pixel of the tile at {@code (x, y)} of size {@code w × h} has colour {@code expected}. */
  private static void assertTile(BufferedImage figure, int x, int y, int w, int h, int expected) {
    for (int dy = 0; dy < h; dy++) {
      for (int dx = 0; dx < w; dx++) {
        assertThat(rgb(figure, x + dx, y + dy)).as("pixel (%s, %s)", x + dx, y + dy).isEqualTo(expected);
      }
    }
  }

  /** Whether the region holds a pixel with little blue: label text (tiles in these tests are bluish). */
  private static boolean hasDarkPixel(BufferedImage image, int x0, int y0, int w, int h) {
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        if ((image.getRGB(x, y) & 0xFF) < 128) {
          return true;
        }
      }
    }
    return false;
  }

  private static int colour(int row, int column) {
    return (40 + row * 90) << 16 | (30 + column * 70) << 8 | 200;
  }

  private static ImageGrid twoByThree(int size) {
    ImageGrid grid = new ImageGrid();
    for (int r = 0; r < 2; r++) {
      grid.row("", solid(size, size, colour(r, 0)), solid(size, size, colour(r, 1)), solid(size, size, colour(r, 2)));
    }
    return grid;
  }

  @Test
  void unlabelledGridPlacesScaledTilesBetweenGutters() {
    BufferedImage figure = twoByThree(32).minTileSize(64).gutter(4).render();
    assertThat(figure.getWidth()).isEqualTo(4 + 3 * (64 + 4));
    assertThat(figure.getHeight()).isEqualTo(4 + 2 * (64 + 4));
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 3; c++) {
        assertTile(figure, 4 + c * 68, 4 + r * 68, 64, 64, colour(r, c));
      }
    }
    assertThat(rgb(figure, 0, 0)).isEqualTo(WHITE);
    assertThat(rgb(figure, 4 + 64, 4 + 10)).isEqualTo(WHITE);
    assertThat(rgb(figure, 4 + 10, 4 + 64 + 3)).isEqualTo(WHITE);
    assertThat(rgb(figure, figure.getWidth() - 1, figure.getHeight() - 1)).isEqualTo(WHITE);
  }

  @Test
  void scalesByTheSmallestIntegerFactorThatReachesTheMinimum() {
    assertThat(twoByThree(48).minTileSize(64).gutter(0).render().getWidth()).isEqualTo(3 * 96);
    assertThat(twoByThree(64).minTileSize(64).gutter(0).render().getWidth()).isEqualTo(3 * 64);
    assertThat(twoByThree(80).minTileSize(64).gutter(0).render().getWidth()).isEqualTo(3 * 80);
  }

  @Test
  void scalesWithNearestNeighbour() {
    BufferedImage tile = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x123456};
    for (int i = 0; i < 4; i++) {
      tile.setRGB(i % 2, i / 2, colours[i]);
    }
    BufferedImage figure = new ImageGrid().row("", tile).minTileSize(6).gutter(1).render();
    assertThat(figure.getWidth()).isEqualTo(1 + 6 + 1);
    for (int i = 0; i < 4; i++) {
      assertTile(figure, 1 + 3 * (i % 2), 1 + 3 * (i / 2), 3, 3, colours[i]);
    }
  }

  @Test
  void labelsAddAHeaderAndALabelColumnWithText() {
    ImageGrid grid = new ImageGrid().columnLabels("base", "donor", "swap ≥ 16").minTileSize(64).gutter(4);
    for (int r = 0; r < 2; r++) {
      grid.row("seed " + r, solid(32, 32, colour(r, 0)), solid(32, 32, colour(r, 1)), solid(32, 32, colour(r, 2)));
    }
    GridLayout layout = grid.layout();
    BufferedImage figure = grid.render();

    assertThat(layout.labelWidth()).isGreaterThan(4);
    assertThat(layout.headerHeight()).isGreaterThan(4);
    assertThat(figure.getWidth()).isEqualTo(layout.width());
    assertThat(figure.getHeight()).isEqualTo(layout.height());
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 3; c++) {
        assertThat(layout.tileY(r)).isEqualTo(4 + layout.headerHeight() + r * 68);
        assertTile(figure, layout.tileX(c), layout.tileY(r), 64, 64, colour(r, c));
      }
    }
    assertThat(hasDarkPixel(figure, layout.cellX(0), 0, layout.cellWidth(), layout.headerHeight())).isTrue();
    assertThat(hasDarkPixel(figure, layout.cellX(2), 0, layout.cellWidth(), layout.headerHeight())).isTrue();
    assertThat(hasDarkPixel(figure, 0, layout.tileY(1), layout.labelWidth(), 64)).isTrue();
    assertThat(hasDarkPixel(figure, 0, 0, layout.labelWidth(), layout.headerHeight())).isFalse();
  }

  @Test
  void wideColumnLabelsWidenTheCellsAndTilesStayCentred() {
    ImageGrid grid =
        new ImageGrid().columnLabels("a rather long column label").row("", solid(8, 8, 0x336699)).minTileSize(8);
    GridLayout layout = grid.layout();
    assertThat(layout.cellWidth()).isGreaterThan(8);
    assertThat(layout.tileX(0)).isEqualTo(layout.cellX(0) + (layout.cellWidth() - 8) / 2);
    assertTile(grid.render(), layout.tileX(0), layout.tileY(0), 8, 8, 0x336699);
  }

  @Test
  void greyTilesKeepTheirValues() {
    float value = 40 / 127.5f - 1f;
    BufferedImage grey = Images.toImages(Tensor.of(new float[] {value}, 1, 1, 1, 1)).get(0);
    BufferedImage figure = new ImageGrid().row("", grey).minTileSize(4).gutter(0).render();
    assertTile(figure, 0, 0, 4, 4, 40 << 16 | 40 << 8 | 40);
  }

  @Test
  void rejectsInconsistentInput() {
    BufferedImage tile = solid(4, 4, 0);
    assertThatThrownBy(() -> new ImageGrid().row("a", tile, tile).row("b", tile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 1 tiles, earlier rows have 2");
    assertThatThrownBy(() -> new ImageGrid().row("a", tile, solid(4, 5, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4x4");
    assertThatThrownBy(() -> new ImageGrid().row("a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ImageGrid().render()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new ImageGrid().columnLabels("x").row("", tile, tile).render())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 column labels for 2 columns");
    assertThatThrownBy(() -> new ImageGrid().minTileSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ImageGrid().gutter(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
