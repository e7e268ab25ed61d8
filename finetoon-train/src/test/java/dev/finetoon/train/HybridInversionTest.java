package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.EncoderInverter;
import dev.finetoon.Tensor;
import dev.finetoon.encoder.EncoderFiles;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.NpyFile;
import dev.finetoon.project.Projection;
import dev.finetoon.project.RefinementOptions;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hybrid inversion end to end on the reference e4e checkpoint: its W+ (upstream's, to 1e-4) is step 0 of a W+
 * refinement in its own decoder, which lowers the LPIPS distance on average and returns nothing farther than step 0.
 */
class HybridInversionTest {
  @Test
  void refiningTheEncodersWPlusStartsAtItAndNeverEndsFarther() throws IOException {
    Path ref = ReferenceData.encoders();
    EncoderModel e4e = EncoderFiles.read(ref.resolve("reduced_e4e.pt"));
    RgbImage photo = PhotoReader.defaults().read(ref.resolve("reduced_photo0.png"));
    Tensor upstream = NpyFile.read(ref.resolve("reduced_e4e_codes_plus_latent_avg.npy")).toTensor().slice(0, 1);
    try (EncoderInverter inverter = EncoderInverter.builder().encoder(e4e)
        .featureNetwork(ReferenceData.tiny("tiny_lpips.pt"))
        .refine(RefinementOptions.defaults().withSteps(20).withPatience(0).withKeepSteps(true)).build()) {
      Tensor encoderOnly = inverter.encode(photo);
      assertThat(encoderOnly.maxAbsDifference(upstream.reshape(10, 32))).isLessThanOrEqualTo(1e-4f);
      Projection refined = inverter.invert(photo);
      List<Double> distances = refined.losses();
      assertThat(distances).hasSize(21);
      assertThat(refined.wPerStep().get(0).maxAbsDifference(encoderOnly)).as("step 0 = the encoder").isEqualTo(0f);
      double start = distances.get(0);
      double firstHalf = distances.subList(0, 10).stream().mapToDouble(d -> d).average().orElseThrow();
      double secondHalf = distances.subList(11, 21).stream().mapToDouble(d -> d).average().orElseThrow();
      assertThat(secondHalf).as("distances fall on average").isLessThan(firstHalf);
      int best = distances.indexOf(distances.stream().min(Double::compare).orElseThrow());
      assertThat(distances.get(best)).isLessThan(start);
      assertThat(refined.ws().maxAbsDifference(refined.wPerStep().get(best))).as("the best measured is returned")
          .isEqualTo(0f);
    }
  }
}
