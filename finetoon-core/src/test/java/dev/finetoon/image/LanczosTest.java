package dev.finetoon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetoon.Tensor;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LanczosTest {
  @Test
  void centreCropAndResizeMatchPilOnTheReferencePhoto() throws IOException {
    RgbImage photo = PhotoReader.defaults().read(ReferenceData.tiny("tiny_photo.png"));
    NpyArray expected = NpyFile.read(ReferenceData.tiny("tiny_target_uint8.npy"));
    assertThat(expected.shape()).containsExactly(32, 32, 3);

    RgbImage target = CenterCrop.resized(photo, 32);

    assertThat(photo.width()).isEqualTo(40);
    assertThat(photo.height()).isEqualTo(48);
    assertThat(target.toBytes()).isEqualTo(expected.toLittleEndianBytes());
    Tensor nchw = target.toTensor();
    assertThat(nchw.shape()).containsExactly(1, 3, 32, 32);
    assertThat(nchw.get(0, 2, 5, 7)).isEqualTo(target.get(7, 5, 2));
    assertThat(nchw.get(0, 0, 31, 0)).isEqualTo(expected.toTensor().get(31, 0, 0));
  }

  @Test
  void sameSizeReturnsTheSamePixels() {
    RgbImage image = random(13, 7, 1);
    assertThat(Lanczos.resize(image, 13, 7)).isEqualTo(image);
  }

  @Test
  void aConstantImageStaysConstantWhenShrunkOrEnlarged() {
    byte[] grey = new byte[50 * 30 * 3];
    Arrays.fill(grey, (byte) 173);
    RgbImage constant = RgbImage.of(50, 30, grey);
    for (int[] size : new int[][] {{17, 9}, {50, 11}, {120, 75}, {1, 1}}) {
      RgbImage resized = Lanczos.resize(constant, size[0], size[1]);
      assertThat(resized.width()).isEqualTo(size[0]);
      assertThat(resized.height()).isEqualTo(size[1]);
      for (byte b : resized.toBytes()) {
        assertThat(b & 0xFF).isEqualTo(173);
      }
    }
  }

  @Test
  void enlargingInterpolatesARamp() {
    // A horizontal ramp: Lanczos reproduces linear functions away from the borders.
    byte[] ramp = new byte[16 * 4 * 3];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 16; x++) {
        Arrays.fill(ramp, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3, (byte) (x * 16));
      }
    }
    RgbImage up = Lanczos.resize(RgbImage.of(16, 4, ramp), 32, 8);
    assertThat(up.width()).isEqualTo(32);
    assertThat(up.height()).isEqualTo(8);
    for (int x = 8; x < 24; x++) {
      // output pixel x samples input position (x + 0.5) / 2 - 0.5
      double expected = ((x + 0.5) / 2 - 0.5) * 16;
      assertThat((double) up.get(x, 3, 1)).isCloseTo(expected, within(1.0));
    }
  }

  @Test
  void centreCropTakesTheMiddleSquare() {
    RgbImage image = random(7, 4, 2);
    assertThat(CenterCrop.square(image)).isEqualTo(image.crop(1, 0, 5, 4));
    RgbImage tall = random(4, 9, 3);
    assertThat(CenterCrop.square(tall)).isEqualTo(tall.crop(0, 2, 4, 6));
  }

  static RgbImage random(int width, int height, long seed) {
    byte[] rgb = new byte[width * height * 3];
    new Random(seed).nextBytes(rgb);
    return RgbImage.of(width, height, rgb);
  }
}
