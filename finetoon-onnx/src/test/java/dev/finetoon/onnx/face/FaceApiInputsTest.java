package dev.finetoon.onnx.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.image.RgbImage;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Odd photos: the pipeline answers "no face" (or the faces it finds) and never fails on a shape. */
class FaceApiInputsTest {
  private static FaceApi faceApi;

  @BeforeAll
  static void open() throws IOException {
    faceApi = FaceApi.open();
  }

  @AfterAll
  static void close() {
    faceApi.close();
  }

  @Test
  void tinyStripedAndBlankPhotosHaveNoFaces() {
    assertThat(faceApi.detectAll(RgbImage.of(1, 1, new byte[3]))).isEmpty();
    assertThat(faceApi.detectAll(RgbImage.of(2000, 3, noise(2000 * 3 * 3)))).isEmpty();
    assertThat(faceApi.detectAll(RgbImage.of(3, 2000, noise(2000 * 3 * 3)))).isEmpty();
    assertThat(faceApi.detectAll(RgbImage.of(640, 480, new byte[640 * 480 * 3]))).isEmpty();
  }

  @Test
  void aDescriptorHasTheNetsLengthForAnyImageSize() {
    assertThat(faceApi.describe(RgbImage.of(1, 1, new byte[3]))).hasSize(128);
    assertThat(faceApi.describe(RgbImage.of(333, 77, noise(333 * 77 * 3)))).hasSize(128);
  }

  @Test
  void distancesNeedDescriptorsOfOneLength() {
    assertThat(FaceApi.distance(new float[] {0, 3}, new float[] {4, 0})).isEqualTo(5.0);
    assertThatThrownBy(() -> FaceApi.distance(new float[128], new float[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("descriptors of different lengths: 128 and 64");
  }

  @Test
  void detectorOptionsAreChecked() {
    assertThatThrownBy(() -> new FaceApi.DetectorOptions(100, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 32");
    assertThatThrownBy(() -> new FaceApi.DetectorOptions(416, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scoreThreshold");
  }

  private static byte[] noise(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }
}
