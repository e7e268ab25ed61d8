package dev.finetoon.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Says on a picture itself what it shows: the lines of text on a white strip under the image, wrapped to its width
 * (never narrower than 240 px: a small tile's strip is wider than the tile).
 */
final class Caption {
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final int PAD = 4;
  private static final int MIN_WIDTH = 240;

  private Caption() {}

  /** {@code image} with {@code text} under it; each string is a paragraph. */
  static BufferedImage below(BufferedImage image, String... text) {
    int width = Math.max(image.getWidth(), MIN_WIDTH);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D measure = probe.createGraphics();
    measure.setFont(FONT);
    FontMetrics metrics = measure.getFontMetrics();
    List<String> lines = new ArrayList<>();
    for (String paragraph : text) {
      lines.addAll(wrap(paragraph, metrics, width - 2 * PAD));
    }
    measure.dispose();
    int strip = lines.size() * metrics.getHeight() + 2 * PAD;
    BufferedImage out = new BufferedImage(width, image.getHeight() + strip, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.drawImage(image, (width - image.getWidth()) / 2, 0, null);
      g.setFont(FONT);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.BLACK);
      int y = image.getHeight() + PAD + metrics.getAscent();
      for (String line : lines) {
        g.drawString(line, PAD, y);
        y += metrics.getHeight();
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Greedy word wrap; a word wider than the line stands alone on its line. */
  private static List<String> wrap(String paragraph, FontMetrics metrics, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : paragraph.split(" ")) {
      String candidate = line.isEmpty() ? word : line + " " + word;
      if (metrics.stringWidth(candidate) > width && !line.isEmpty()) {
        lines.add(line.toString());
        line = new StringBuilder(word);
      } else {
        line = new StringBuilder(candidate);
      }
    }
    lines.add(line.toString());
    return lines;
  }
}
