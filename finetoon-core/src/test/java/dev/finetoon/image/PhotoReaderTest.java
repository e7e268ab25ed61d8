package dev.finetoon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhotoReaderTest {
  private static final int RED = 0xFF0000;
  private static final int GREEN = 0x00FF00;
  private static final int BLUE = 0x0000FF;
  private static final int WHITE = 0xFFFFFF;

  private final PhotoReader reader = PhotoReader.defaults();

  @TempDir Path dir;

  @Test
  void readsAnRgbPngExactly() throws IOException {
    RgbImage image = LanczosTest.random(9, 5, 4);
    Path file = dir.resolve("photo.png");
    Images.writePng(image.toBufferedImage(), file);

    assertThat(reader.read(file)).isEqualTo(image);
    assertThat(reader.read(Files.readAllBytes(file), "upload")).isEqualTo(image);
  }

  @Test
  void copiesGreyToAllChannels() throws IOException {
    BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setPixels(0, 0, 3, 2, new int[] {0, 17, 100, 128, 200, 255});

    RgbImage rgb = reader.read(png(grey), "grey.png");

    assertThat(rgb.get(2, 0, 0)).isEqualTo(100);
    assertThat(rgb.get(2, 0, 1)).isEqualTo(100);
    assertThat(rgb.get(1, 1, 2)).isEqualTo(200);
  }

  @Test
  void dropsAlphaLikePilInsteadOfCompositing() throws IOException {
    BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x00C86432); // fully transparent (200, 100, 50)
    rgba.setRGB(1, 0, 0x80102030);

    RgbImage rgb = reader.read(png(rgba), "rgba.png");

    assertThat(new int[] {rgb.get(0, 0, 0), rgb.get(0, 0, 1), rgb.get(0, 0, 2)}).containsExactly(200, 100, 50);
    assertThat(new int[] {rgb.get(1, 0, 0), rgb.get(1, 0, 1), rgb.get(1, 0, 2)}).containsExactly(0x10, 0x20, 0x30);
  }

  @Test
  void keepsTheHighByteOfSixteenBitSamples() throws IOException {
    BufferedImage grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey16.getRaster().setPixels(0, 0, 2, 1, new int[] {0xABCD, 0x00FF});

    RgbImage rgb = reader.read(png(grey16), "grey16.png");

    assertThat(rgb.get(0, 0, 1)).isEqualTo(0xAB);
    assertThat(rgb.get(1, 0, 1)).isZero();
  }

  @ParameterizedTest(name = "orientation {0}")
  @CsvSource({
    "1, RED, GREEN, BLUE, WHITE",
    "2, GREEN, RED, WHITE, BLUE",
    "3, WHITE, BLUE, GREEN, RED",
    "4, BLUE, WHITE, RED, GREEN",
    "5, RED, BLUE, GREEN, WHITE",
    "6, BLUE, RED, WHITE, GREEN",
    "7, WHITE, GREEN, BLUE, RED",
    "8, GREEN, WHITE, RED, BLUE"
  })
  void turnsJpegsUprightByTheirExifOrientation(
      int orientation, String topLeft, String topRight, String bottomLeft, String bottomRight) throws IOException {
    byte[] jpeg = TestJpegs.withOrientation(TestJpegs.rgb(quadrants(32, 16)), orientation);

    RgbImage upright = reader.read(jpeg, "phone.jpg");

    boolean swapped = orientation >= 5;
    assertThat(upright.width()).isEqualTo(swapped ? 16 : 32);
    assertThat(upright.height()).isEqualTo(swapped ? 32 : 16);
    int w = upright.width();
    int h = upright.height();
    assertColour(upright, w / 4, h / 4, topLeft);
    assertColour(upright, 3 * w / 4, h / 4, topRight);
    assertColour(upright, w / 4, 3 * h / 4, bottomLeft);
    assertColour(upright, 3 * w / 4, 3 * h / 4, bottomRight);

    RgbImage stored = reader.ignoringExifOrientation().read(jpeg, "phone.jpg");
    assertThat(stored.width()).isEqualTo(32);
    assertColour(stored, 8, 4, "RED");
  }

  @Test
  void convertsCmykJpegsWithPilsFormula() throws IOException {
    int[][] stored = {{200, 30, 10, 250}, {0, 180, 40, 128}, {255, 255, 0, 60}, {90, 90, 90, 255}};
    byte[] jpeg = TestJpegs.fourComponents(32, 32, blocks(stored));

    for (byte[] file : new byte[][] {jpeg, TestJpegs.withAdobeTransform(jpeg, 0)}) {
      RgbImage rgb = reader.read(file, "cmyk.jpg");
      for (int q = 0; q < 4; q++) {
        int[] s = stored[q];
        for (int c = 0; c < 3; c++) {
          // PIL inverts the stored bytes (Adobe convention), then R = (255 - K)(255 - C) / 255
          double expected = s[3] * s[c] / 255.0;
          assertThat((double) rgb.get(8 + 16 * (q % 2), 8 + 16 * (q / 2), c)).isCloseTo(expected, within(3.0));
        }
      }
    }
  }

  @Test
  void convertsYcckJpegsThroughLibjpegsYccTables() throws IOException {
    int[][] stored = {{120, 128, 128, 200}, {76, 85, 255, 255}, {150, 44, 21, 100}, {30, 200, 140, 255}};
    byte[] jpeg = TestJpegs.withAdobeTransform(TestJpegs.fourComponents(32, 32, blocks(stored)), 2);

    RgbImage rgb = reader.read(jpeg, "ycck.jpg");

    for (int q = 0; q < 4; q++) {
      int[] s = stored[q];
      double[] ycc = {
        s[0] + 1.402 * (s[2] - 128),
        s[0] - 0.34414 * (s[1] - 128) - 0.71414 * (s[2] - 128),
        s[0] + 1.772 * (s[1] - 128)
      };
      for (int c = 0; c < 3; c++) {
        double cmy = Math.max(0, Math.min(255, ycc[c]));
        double expected = s[3] * (255 - cmy) / 255.0;
        assertThat((double) rgb.get(8 + 16 * (q % 2), 8 + 16 * (q / 2), c)).isCloseTo(expected, within(3.0));
      }
    }
  }

  @Test
  void refusesTooManyPixelsBeforeDecodingThem() {
    // A PNG header announcing 100 000 x 100 000 pixels, with no pixel data at all
    byte[] bomb = pngHeaderOnly(100_000, 100_000);

    assertThatThrownBy(() -> reader.read(bomb, "bomb.png"))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("bomb.png")
        .hasMessageContaining("100000x100000")
        .hasMessageContaining("limit of 64000000");
  }

  @Test
  void refusesMorePixelsThanTheFileCouldEncodeBeforeDecodingThem() {
    // Found by PhotoFuzzTest: a 218-byte PNG whose header claims 5701640 x 6 pixels, within the pixel limit, made the
    // decoder allocate 146 MB for them before it found the data missing.
    byte[] png = pngHeaderOnly(5_701_640, 6);

    assertThatThrownBy(() -> reader.read(png, "small.png"))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("small.png: corrupt or truncated image: 5701640x6 pixels cannot come from 33 bytes");
  }

  @Test
  void readsAnImageCompressedAsFarAsPngGoes() throws IOException {
    // A blank 1-bit PNG: deflate's best ratio over the fewest bits a pixel can take, about 7000 pixels per byte.
    byte[] blank = png(new BufferedImage(2048, 2048, BufferedImage.TYPE_BYTE_BINARY));

    assertThat(reader.read(blank, "blank.png").get(2047, 2047, 0)).isZero();
  }

  @Test
  void theLimitIsConfigurable() throws IOException {
    byte[] image = png(LanczosTest.random(20, 10, 5).toBufferedImage());

    assertThat(reader.withMaxPixels(200).read(image, "ok.png").width()).isEqualTo(20);
    assertThatThrownBy(() -> reader.withMaxPixels(199).read(image, "big.png"))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("200 pixels");
    assertThatThrownBy(() -> reader.withMaxPixels(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesUnknownTruncatedAndCorruptFiles() throws IOException {
    byte[] png = png(LanczosTest.random(40, 30, 6).toBufferedImage());
    byte[] jpeg = TestJpegs.rgb(LanczosTest.random(64, 64, 7).toBufferedImage());

    assertThatThrownBy(() -> reader.read("just some text".getBytes(StandardCharsets.UTF_8), "notes.txt"))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("notes.txt: not an image");
    assertThatThrownBy(() -> reader.read(Arrays.copyOf(png, png.length / 2), "half.png"))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("half.png: corrupt or truncated");
    assertThatThrownBy(() -> reader.read(Arrays.copyOf(jpeg, jpeg.length / 2), "half.jpg"))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("half.jpg: corrupt or truncated");
    assertThatThrownBy(() -> reader.read(Arrays.copyOf(jpeg, 300), "header.jpg"))
        .isInstanceOf(ImageFormatException.class);
  }

  @Test
  void damagedFilesGiveAnImageOrAnImageFormatExceptionNeverAnythingElse() throws IOException {
    byte[] jpeg = TestJpegs.withOrientation(TestJpegs.rgb(quadrants(24, 16)), 6);
    byte[] png = png(LanczosTest.random(12, 8, 8).toBufferedImage());
    Random random = new Random(42);
    for (byte[] original : new byte[][] {jpeg, png}) {
      for (int i = 0; i < 150; i++) {
        byte[] damaged = original.clone();
        for (int j = 0; j < 1 + random.nextInt(8); j++) {
          damaged[random.nextInt(Math.min(damaged.length, 200))] = (byte) random.nextInt(256);
        }
        try {
          RgbImage image = reader.read(damaged, "damaged");
          assertThat(image.width()).isPositive();
        } catch (ImageFormatException expected) {
          assertThat(expected).hasMessageStartingWith("damaged: ");
        }
      }
    }
  }

  private static void assertColour(RgbImage image, int x, int y, String name) {
    int rgb = switch (name) {
      case "RED" -> RED;
      case "GREEN" -> GREEN;
      case "BLUE" -> BLUE;
      default -> WHITE;
    };
    for (int c = 0; c < 3; c++) {
      int expected = rgb >> (16 - 8 * c) & 0xFF;
      assertThat(image.get(x, y, c)).as("%s at (%s, %s), channel %s", name, x, y, c).isCloseTo(expected, within(12));
    }
  }

  /** Red, green / blue, white quadrants. */
  private static BufferedImage quadrants(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean right = x >= width / 2;
        boolean bottom = y >= height / 2;
        image.setRGB(x, y, bottom ? (right ? WHITE : BLUE) : (right ? GREEN : RED));
      }
    }
    return image;
  }

  /** A 32x32 four-sample image in four 16x16 blocks: top-left, top-right, bottom-left, bottom-right. */
  private static int[] blocks(int[][] values) {
    int[] samples = new int[32 * 32 * 4];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        System.arraycopy(values[(y / 16) * 2 + x / 16], 0, samples, (y * 32 + x) * 4, 4);
      }
    }
    return samples;
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "png", out)).isTrue();
    return out.toByteArray();
  }

  private static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(StandardCharsets.ISO_8859_1)).putInt(width).putInt(height);
    ihdr.put(new byte[] {8, 2, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    return png.array();
  }
}
