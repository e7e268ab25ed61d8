package dev.finetoon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
  @TempDir Path dir;

  /** The byte {@code b} as a generator value: {@code b / 127.5 - 1} maps back to {@code b + 0.5}, truncated to b. */
  private static float valueOf(int b) {
    return b / 127.5f - 1f;
  }

  /** A distinct byte for every sample, channel and position of a [2, 3, 2, 3] tensor. */
  private static int byteAt(int n, int c, int y, int x) {
    return n * 100 + c * 30 + y * 10 + x;
  }

  private static Tensor distinct(int n, int c, int h, int w) {
    float[] values = new float[n * c * h * w];
    int at = 0;
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            values[at++] = valueOf(byteAt(i, ch, y, x));
          }
        }
      }
    }
    return Tensor.of(values, n, c, h, w);
  }

  private static int[] bytes(float... values) {
    byte[] raw = Images.toRgb8(Tensor.of(values, 1, 1, 1, values.length));
    int[] out = new int[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = raw[i] & 0xFF;
    }
    return out;
  }

  @Test
  void convertsLikeGeneratePy() {
    // (v * 127.5 + 128).clamp(0, 255).to(uint8): -1 → 0.5 → 0, 1 → 255.5 → 255, 0.5 → 191.75 → 191.
    assertThat(bytes(-1f, 1f, 0f, 0.5f, -0.5f, -1.004f, 1.004f, 3f, -3f))
        .containsExactly(0, 255, 128, 191, 64, 0, 255, 255, 0);
  }

  @Test
  void truncatesTowardZero() {
    // 128.99 → 128 and 0.99 → 0, never rounded up.
    assertThat(bytes(0.99f / 127.5f, (0.99f - 128f) / 127.5f)).containsExactly(128, 0);
  }

  @Test
  void computesInFloat32() {
    // In exact arithmetic this float gives 0.99999997 → 0; float32 rounding (as numpy and PyTorch do) gives 1.0 → 1.
    assertThat(bytes(-0.9960784316062927f)).containsExactly(1);
  }

  @Test
  void mapsNanToZeroAndClampsInfinities() {
    assertThat(bytes(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)).containsExactly(0, 255, 0);
  }

  @Test
  void toRgb8IsSampleRowColumnChannelOrder() {
    byte[] nhwc = Images.toRgb8(distinct(2, 3, 2, 3));
    assertThat(nhwc).hasSize(2 * 2 * 3 * 3);
    for (int n = 0; n < 2; n++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
          for (int c = 0; c < 3; c++) {
            assertThat(nhwc[((n * 2 + y) * 3 + x) * 3 + c] & 0xFF).isEqualTo(byteAt(n, c, y, x));
          }
        }
      }
    }
  }

  @Test
  void rgbImagesHaveChannelsAndPixelsInPlace() {
    List<BufferedImage> images = Images.toImages(distinct(2, 3, 2, 3));
    assertThat(images).hasSize(2);
    for (int n = 0; n < 2; n++) {
      BufferedImage image = images.get(n);
      assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
      assertThat(image.getWidth()).isEqualTo(3);
      assertThat(image.getHeight()).isEqualTo(2);
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
          int expected = byteAt(n, 0, y, x) << 16 | byteAt(n, 1, y, x) << 8 | byteAt(n, 2, y, x);
          assertThat(image.getRGB(x, y) & 0xFFFFFF).as("sample %s at (%s, %s)", n, x, y).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void greyImagesHoldTheBytesInTheirRaster() {
    BufferedImage image = Images.toImages(distinct(1, 1, 2, 3)).get(0);
    assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        assertThat(image.getRaster().getSample(x, y, 0)).isEqualTo(byteAt(0, 0, y, x));
      }
    }
  }

  @Test
  void emptyBatchGivesNoImages() {
    assertThat(Images.toImages(Tensor.zeros(0, 3, 4, 4))).isEmpty();
  }

  @Test
  void fromImageScalesToMinusOneToOne() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x00FF80);
    image.setRGB(1, 0, 0xFF0001);
    Tensor t = Images.fromImage(image);
    assertThat(t.shape()).containsExactly(1, 3, 1, 2);
    assertThat(t.toArray()).containsExactly(-1f, 1f, 1f, -1f, 128 / 127.5f - 1f, 1 / 127.5f - 1f);
  }

  @Test
  void fromImageThenToImagesGivesBackEveryByte() {
    BufferedImage image = new BufferedImage(256, 1, BufferedImage.TYPE_INT_RGB);
    for (int v = 0; v < 256; v++) {
      image.setRGB(v, 0, v << 16 | (255 - v) << 8 | v / 2);
    }
    BufferedImage back = Images.toImages(Images.fromImage(image)).get(0);
    for (int v = 0; v < 256; v++) {
      assertThat(back.getRGB(v, 0)).isEqualTo(image.getRGB(v, 0));
    }
  }

  @Test
  void rgbPngRoundTrips() throws IOException {
    BufferedImage image = Images.toImages(distinct(1, 3, 2, 3)).get(0);
    Path file = dir.resolve("nested/deeper/rgb.png");
    Images.writePng(image, file);
    BufferedImage read = ImageIO.read(file.toFile());
    assertThat(read.getWidth()).isEqualTo(3);
    assertThat(read.getHeight()).isEqualTo(2);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        assertThat(read.getRGB(x, y)).isEqualTo(image.getRGB(x, y));
      }
    }
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void greyPngRoundTrips() throws IOException {
    BufferedImage image = Images.toImages(distinct(1, 1, 2, 3)).get(0);
    Path file = dir.resolve("grey.png");
    Images.writePng(image, file);
    BufferedImage read = ImageIO.read(file.toFile());
    assertThat(read.getRaster().getNumBands()).isEqualTo(1);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        assertThat(read.getRaster().getSample(x, y, 0)).isEqualTo(byteAt(0, 0, y, x));
      }
    }
  }

  @Test
  void writePngReplacesAnExistingFile() throws IOException {
    Path file = dir.resolve("out.png");
    Files.writeString(file, "old");
    Images.writePng(Images.toImages(distinct(1, 3, 2, 3)).get(0), file);
    assertThat(ImageIO.read(file.toFile()).getWidth()).isEqualTo(3);
  }

  @Test
  void writePngFailsWithIoExceptionWhereTheParentIsAFile() throws IOException {
    Path blocker = Files.writeString(dir.resolve("blocker"), "");
    BufferedImage image = Images.toImages(distinct(1, 3, 2, 3)).get(0);
    assertThatThrownBy(() -> Images.writePng(image, blocker.resolve("x.png"))).isInstanceOf(IOException.class);
  }

  @Test
  void rejectsWrongShapes() {
    assertThatThrownBy(() -> Images.toImages(Tensor.zeros(3, 4, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[N, C, H, W]")
        .hasMessageContaining("[3, 4, 4]");
    assertThatThrownBy(() -> Images.toRgb8(Tensor.zeros(1, 3, 4, 4, 1))).isInstanceOf(IllegalArgumentException.class);
    for (int channels : new int[] {0, 2, 4}) {
      assertThatThrownBy(() -> Images.toImages(Tensor.zeros(1, channels, 4, 4)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("channels");
    }
    assertThatThrownBy(() -> Images.toRgb8(Tensor.zeros(1, 3, 0, 4))).isInstanceOf(IllegalArgumentException.class);
  }
}
