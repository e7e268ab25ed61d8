package dev.finetoon.onnx.face;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.image.RgbImage;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.onnx.SessionSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * finetoon's default detector options on face-api's six demo photos. The expected counts are what a person sees in
 * them (checked on docs/images/face-contact-sheet.jpg): 3, 3, 3, 4, 5 and 4 faces, two of them in profile or looking
 * down. face-api's own defaults find 3, 1, 3, 3, 5 and 5 (one of those five is half a face and a shoulder).
 */
class FaceApiDefaultsTest {
  private static final Path REFERENCE = Path.of("target", "face-api-reference");

  @Test
  void findEveryFaceAPersonSeesInTheDemoPhotos() throws IOException {
    Assumptions.assumeTrue(Files.exists(REFERENCE.resolve("sample1.rgb.npy")),
        "no face-api.js demo photos in " + REFERENCE.toAbsolutePath()
            + ": the build writes them with Node.js; skipping");
    List<Integer> found;
    List<Integer> foundByFaceApisDefaults;
    try (FaceApi finetoon = FaceApi.open();
        FaceApi faceApi = FaceApi.open(FaceApi.DetectorOptions.faceApiDefaults(), SessionSettings.defaults())) {
      found = IntStream.rangeClosed(1, 6).mapToObj(i -> finetoon.detectAll(photo(i)).size()).toList();
      foundByFaceApisDefaults = IntStream.rangeClosed(1, 6).mapToObj(i -> faceApi.detectAll(photo(i)).size()).toList();
    }

    assertThat(found).containsExactly(3, 3, 3, 4, 5, 4);
    assertThat(foundByFaceApisDefaults).containsExactly(3, 1, 3, 3, 5, 5);
  }

  private static RgbImage photo(int sample) {
    try {
      NpyArray rgb = NpyFile.read(REFERENCE.resolve("sample" + sample + ".rgb.npy"));
      return RgbImage.of(rgb.shape()[1], rgb.shape()[0], rgb.toLittleEndianBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
