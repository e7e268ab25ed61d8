package dev.finetoon.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Tensor;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.NpyFile;
import dev.finetoon.testing.ReferenceData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The repos' inference transform against what torchvision made of the reference photos. */
class EncoderInputTest {
  @Test
  void matchesTorchvisionOnEveryReferencePhoto() throws Exception {
    Path ref = ReferenceData.encoders();
    Tensor expected = NpyFile.read(ref.resolve("reduced_input.npy")).toTensor();
    for (int i = 0; i < 3; i++) {
      RgbImage photo = PhotoReader.defaults().read(ref.resolve("reduced_photo" + i + ".png"));
      Tensor input = EncoderInput.of(photo);
      assertThat(input.shape()).containsExactly(1, 3, 256, 256);
      // photo 0 is 256x256 (no resize), photo 1 shrinks 1.5x, photo 2 shrinks in x and enlarges in y
      assertThat(input.maxAbsDifference(expected.slice(i, i + 1))).as("photo %s", i).isLessThanOrEqualTo(1e-6f);
    }
  }

  @Test
  void mapsPixelsToMinusOneToOne() {
    RgbImage black = RgbImage.of(256, 256, new byte[256 * 256 * 3]);
    assertThat(EncoderInput.of(black).get(0, 2, 17, 40)).isEqualTo(-1f);
  }
}
