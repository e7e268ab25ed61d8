package dev.finetoon.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.fuzz.FuzzHarness;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mutants of small photos (RGB, grey and palette PNG/GIF, BMP, TIFF, a JPEG with EXIF orientation, a CMYK JPEG): read,
 * or refused with {@link ImageFormatException}.
 */
class PhotoFuzzTest {
  @Test
  void theSeedsRead() throws IOException {
    for (Map.Entry<String, byte[]> seed : FuzzHarness.corpus("photo").entrySet()) {
      RgbImage image = PhotoReader.defaults().read(seed.getValue(), seed.getKey());
      assertThat(image.width() * image.height()).as(seed.getKey()).isEqualTo(48);
    }
  }

  @Test
  void everyMutantReadsOrIsRefused() {
    FuzzHarness.of("photo", ImageFormatException.class)
        .fuzz(FuzzHarness.corpus("photo"), bytes -> PhotoReader.defaults().read(bytes, "mutant"));
  }
}
