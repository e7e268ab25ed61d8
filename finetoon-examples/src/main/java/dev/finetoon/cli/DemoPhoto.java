package dev.finetoon.cli;

import dev.finetoon.face.FfhqAligner;
import dev.finetoon.face.Point;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.onnx.face.DetectedFace;
import dev.finetoon.onnx.face.FaceApi;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * The demo's photo, bundled in the jar ({@code face-api-sample1.jpg}: face-api.js's demo photo, MIT), and the real
 * face pipeline run on it: every face face-api.js finds with its 68 landmarks drawn, the main face marked, and the
 * main face FFHQ-aligned.
 */
final class DemoPhoto {
  static final String NAME = "face-api-sample1.jpg";
  /** The annotated photo is drawn this wide. */
  private static final int FIGURE_WIDTH = 960;

  final RgbImage photo;
  final List<DetectedFace> faces;
  final DetectedFace main;

  private DemoPhoto(RgbImage photo, List<DetectedFace> faces) {
    this.photo = photo;
    this.faces = faces;
    this.main = faces.stream().max(DetectedFace.BY_MAIN_FACE).orElseThrow();
  }

  /** Reads the bundled photo and finds its faces with face-api.js's networks (ONNX Runtime). */
  static DemoPhoto detect() throws IOException {
    byte[] bytes;
    try (InputStream in = DemoPhoto.class.getResourceAsStream("demo/" + NAME)) {
      if (in == null) {
        throw new IOException("the demo photo " + NAME + " is missing from the jar");
      }
      bytes = in.readAllBytes();
    }
    RgbImage photo = PhotoReader.defaults().read(bytes, NAME);
    try (FaceApi faceApi = FaceApi.open()) {
      return new DemoPhoto(photo, faceApi.detectAll(photo));
    }
  }

  /** The photo, scaled down, with each face's box, score, frontality and 68 landmarks; the main face in green. */
  BufferedImage annotated() {
    double scale = (double) FIGURE_WIDTH / photo.width();
    BufferedImage figure = new BufferedImage(FIGURE_WIDTH, (int) Math.round(photo.height() * scale),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = figure.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.drawImage(photo.toBufferedImage(), 0, 0, figure.getWidth(), figure.getHeight(), null);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.setStroke(new BasicStroke(2));
      for (DetectedFace face : faces) {
        g.setColor(face == main ? Color.GREEN : Color.YELLOW);
        int x = (int) (face.box().x() * scale);
        int y = (int) (face.box().y() * scale);
        g.drawRect(x, y, (int) (face.box().width() * scale), (int) (face.box().height() * scale));
        String label = String.format(Locale.ROOT, "%sscore %.2f, frontal %.2f", face == main ? "main face: " : "",
            face.score(), face.frontality());
        g.drawString(label, Math.min(x, figure.getWidth() - g.getFontMetrics().stringWidth(label) - 2), y - 4);
        for (Point p : face.landmarks()) {
          g.fillOval((int) (p.x() * scale) - 2, (int) (p.y() * scale) - 2, 4, 4);
        }
      }
    } finally {
      g.dispose();
    }
    return figure;
  }

  /** The main face aligned as FFHQ's training faces were, at {@code size}². */
  RgbImage aligned(int size) {
    return FfhqAligner.of(size).align(photo, main.ffhqLandmarks());
  }
}
