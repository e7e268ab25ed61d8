package dev.finetoon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.image.ImageGrid;
import dev.finetoon.image.Images;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FaceContactSheet} on pictures without faces: a row per photo, only the thumbnail column. */
class FaceContactSheetTest {
  @TempDir Path dir;

  @Test
  void drawsARowPerPhotoAsPngOrJpeg() throws IOException {
    Path wide = dir.resolve("wide.png");
    Path tall = dir.resolve("tall.png");
    Images.writePng(picture(300, 120), wide);
    Images.writePng(picture(90, 200), tall);

    FaceContactSheet.main(new String[] {"-o", dir.resolve("sheet.png").toString(), "-s", "96", wide.toString(),
        tall.toString()});
    FaceContactSheet.main(new String[] {"-o", dir.resolve("sheet.jpg").toString(), "-s", "96", wide.toString()});

    BufferedImage tile = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
    BufferedImage expected = new ImageGrid().columnLabels("photo").row("wide", tile).row("tall", tile).render();
    BufferedImage png = ImageIO.read(dir.resolve("sheet.png").toFile());
    assertThat(png.getWidth()).isEqualTo(expected.getWidth());
    assertThat(png.getHeight()).isEqualTo(expected.getHeight());
    byte[] jpeg = Files.readAllBytes(dir.resolve("sheet.jpg"));
    assertThat(jpeg[0] & 0xFF).isEqualTo(0xFF);
    assertThat(jpeg[1] & 0xFF).isEqualTo(0xD8);
  }

  private static BufferedImage picture(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }
}
