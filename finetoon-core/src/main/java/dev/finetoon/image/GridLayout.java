package dev.finetoon.image;

/**
 * The pixel geometry of an {@link ImageGrid}: a row-label column of {@code labelWidth} (0 without row labels) and a
 * header of {@code headerHeight} (0 without column labels), both including their gutter, then cells of {@code
 * cellWidth} × {@code tileHeight} with a {@code gutter} around and between them. Tiles (already scaled) are centred
 * horizontally in their cells.
 */
record GridLayout(
    int rows,
    int columns,
    int tileWidth,
    int tileHeight,
    int cellWidth,
    int labelWidth,
    int headerHeight,
    int gutter) {

  int width() {
    return gutter + labelWidth + columns * (cellWidth + gutter);
  }

  int height() {
    return gutter + headerHeight + rows * (tileHeight + gutter);
  }

  /** The left edge of a column's cell, where its header label is centred. */
  int cellX(int column) {
    return gutter + labelWidth + column * (cellWidth + gutter);
  }

  int tileX(int column) {
    return cellX(column) + (cellWidth - tileWidth) / 2;
  }

  int tileY(int row) {
    return gutter + headerHeight + row * (tileHeight + gutter);
  }
}
