package dev.finetoon.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.math.IntMath;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a labelled figure of equal-size tiles on a white background, such as a layer-swap comparison with one row per
 * seed. Tiles whose smaller side is under the minimum tile size (default 64 px) are enlarged by the smallest integer
 * factor that reaches it, with nearest-neighbour sampling, so tiny test images stay visible. Draws only into a {@link
 * BufferedImage}, so it needs no display.
 *
 * <pre>{@code
 * BufferedImage figure = new ImageGrid()
 *     .columnLabels("base", "donor", "swap ≥ 16")
 *     .row("seed 1", base1, donor1, swap1)
 *     .row("seed 2", base2, donor2, swap2)
 *     .render();
 * Images.writePng(figure, Path.of("swap.png"));
 * }</pre>
 */
public final class ImageGrid {
  private final List<String> rowLabels = new ArrayList<>();
  private final List<List<BufferedImage>> rows = new ArrayList<>();
  private List<String> columnLabels = List.of();
  private int minTileSize = 64;
  private int gutter = 4;
  private Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 14);

  /** Labels drawn centred above the columns, one per column; without them the grid has no header. */
  public ImageGrid columnLabels(String... labels) {
    columnLabels = List.of(labels);
    return this;
  }

  /** Appends a row of tiles, all the size of the first tile added; an empty label draws none. */
  public ImageGrid row(String label, List<BufferedImage> tiles) {
    checkNotNull(label, "row label (use \"\" for none)");
    checkArgument(!tiles.isEmpty(), "a row needs at least one tile");
    List<BufferedImage> row = List.copyOf(tiles);
    BufferedImage first = rows.isEmpty() ? row.get(0) : rows.get(0).get(0);
    if (!rows.isEmpty()) {
      int columns = rows.get(0).size();
      checkArgument(
          row.size() == columns, "row %s has %s tiles, earlier rows have %s", rows.size(), row.size(), columns);
    }
    for (BufferedImage tile : row) {
      checkArgument(
          tile.getWidth() == first.getWidth() && tile.getHeight() == first.getHeight(),
          "tiles must all be %sx%s, got %sx%s in row %s",
          first.getWidth(),
          first.getHeight(),
          tile.getWidth(),
          tile.getHeight(),
          rows.size());
    }
    rowLabels.add(label);
    rows.add(row);
    return this;
  }

  /** Appends a row of tiles; see {@link #row(String, List)}. */
  public ImageGrid row(String label, BufferedImage... tiles) {
    return row(label, Arrays.asList(tiles));
  }

  /** Tiles with a smaller side under {@code pixels} are enlarged by an integer factor to reach it (default 64). */
  public ImageGrid minTileSize(int pixels) {
    checkArgument(pixels > 0, "minimum tile size must be positive, got %s", pixels);
    minTileSize = pixels;
    return this;
  }

  /** The white space around and between tiles and labels, in pixels (default 4). */
  public ImageGrid gutter(int pixels) {
    checkArgument(pixels >= 0, "gutter must not be negative, got %s", pixels);
    gutter = pixels;
    return this;
  }

  /** The label font (default SansSerif, plain, 14 pt). */
  public ImageGrid font(Font labelFont) {
    font = checkNotNull(labelFont, "font");
    return this;
  }

  /** Draws the figure. */
  public BufferedImage render() {
    GridLayout layout = layout();
    BufferedImage figure = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(figure);
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, figure.getWidth(), figure.getHeight());
      g.setColor(Color.BLACK);
      FontMetrics metrics = g.getFontMetrics();
      for (int c = 0; c < columnLabels.size(); c++) {
        String label = columnLabels.get(c);
        int x = layout.cellX(c) + (layout.cellWidth() - metrics.stringWidth(label)) / 2;
        g.drawString(label, x, gutter + metrics.getAscent());
      }
      for (int r = 0; r < rows.size(); r++) {
        int baseline = layout.tileY(r) + (layout.tileHeight() - metrics.getHeight()) / 2 + metrics.getAscent();
        g.drawString(rowLabels.get(r), gutter, baseline);
        for (int c = 0; c < layout.columns(); c++) {
          g.drawImage(
              rows.get(r).get(c), layout.tileX(c), layout.tileY(r), layout.tileWidth(), layout.tileHeight(), null);
        }
      }
    } finally {
      g.dispose();
    }
    return figure;
  }

  /** The geometry {@link #render()} uses. */
  GridLayout layout() {
    checkState(!rows.isEmpty(), "the grid has no rows");
    int columns = rows.get(0).size();
    checkState(
        columnLabels.isEmpty() || columnLabels.size() == columns,
        "%s column labels for %s columns",
        columnLabels.size(),
        columns);
    BufferedImage first = rows.get(0).get(0);
    int smallerSide = Math.min(first.getWidth(), first.getHeight());
    int scale = Math.max(1, IntMath.divide(minTileSize, smallerSide, RoundingMode.CEILING));
    int tileWidth = first.getWidth() * scale;
    int tileHeight = first.getHeight() * scale;

    Graphics2D g = graphics(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    try {
      FontMetrics metrics = g.getFontMetrics();
      int cellWidth = tileWidth;
      for (String label : columnLabels) {
        cellWidth = Math.max(cellWidth, metrics.stringWidth(label));
      }
      int labelWidth = 0;
      for (String label : rowLabels) {
        labelWidth = Math.max(labelWidth, metrics.stringWidth(label));
      }
      return new GridLayout(
          rows.size(),
          columns,
          tileWidth,
          tileHeight,
          cellWidth,
          labelWidth == 0 ? 0 : labelWidth + gutter,
          columnLabels.isEmpty() ? 0 : metrics.getHeight() + gutter,
          gutter);
    } finally {
      g.dispose();
    }
  }

  private Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setFont(font);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    return g;
  }
}
