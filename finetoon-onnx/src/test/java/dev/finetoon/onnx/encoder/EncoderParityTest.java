package dev.finetoon.onnx.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.EncoderInverter;
import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.encoder.EncoderArchitecture;
import dev.finetoon.encoder.EncoderFiles;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.encoder.Encoders;
import dev.finetoon.encoder.ImageEncoder;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.io.NpyFile;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reduced-width pSp / e4e checkpoints of {@code ../shared/reference/encoders} read, encoded and decoded through the
 * API, against what the upstream repositories' own code computed: codes and W+ within 1e-4, images within 1e-3.
 */
class EncoderParityTest {
  private static final float CODES = 1e-4f;
  private static final float IMAGES = 1e-3f;

  private static Tensor npy(String name) throws IOException {
    return NpyFile.read(ReferenceData.encoders().resolve(name)).toTensor();
  }

  private static EncoderModel read(String file) throws IOException {
    return EncoderFiles.read(ReferenceData.encoders().resolve(file));
  }

  @ParameterizedTest
  @CsvSource({
    "e4e, reduced_e4e.pt, ENCODER4EDITING, reduced_e4e_codes_plus_latent_avg.npy",
    "psp, reduced_psp.pt, GRADUAL_STYLE, reduced_psp_codes_plus_latent_avg.npy",
    "psp_w, reduced_psp_w.pt, LAST_LAYER_INTO_W, reduced_psp_w_decoder_ws.npy",
    "psp_w, reduced_psp_w_legacy.pt, LAST_LAYER_INTO_W, reduced_psp_w_decoder_ws.npy"
  })
  void codesWsAndDecoderImagesMatchUpstream(String m, String file, EncoderArchitecture architecture, String ws)
      throws IOException {
    EncoderModel model = read(file);
    assertThat(model.architecture()).isEqualTo(architecture);
    assertThat(model.latentAvg().maxAbsDifference(npy("reduced_" + m + "_latent_avg.npy"))).isEqualTo(0f);
    Tensor input = npy("reduced_input.npy");
    try (ImageEncoder encoder = Encoders.open(model); Generator decoder = Generators.open(model.decoder())) {
      ImageEncoder.Encoding e = encoder.encode(input);
      assertThat(e.codes().maxAbsDifference(npy("reduced_" + m + "_codes.npy"))).isLessThanOrEqualTo(CODES);
      assertThat(e.ws().maxAbsDifference(npy(ws))).isLessThanOrEqualTo(CODES);
      Tensor image = decoder.synthesis(e.ws(), Noise.CONST);
      assertThat(image.shape()).containsExactly(3, 3, 64, 64);
      assertThat(image.maxAbsDifference(npy("reduced_" + m + "_image.npy"))).isLessThanOrEqualTo(IMAGES);
    }
  }

  @Test
  void e4eFeatureMapsMatchUpstreamLayerByLayer() throws IOException {
    Map<String, Tensor> trace = OnnxImageEncoder.trace(read("reduced_e4e.pt"), npy("reduced_input.npy").slice(0, 1));
    Map<String, String> expected = Map.of("c1", "c1_body6", "c2", "c2_body20", "c3", "c3_body23", "p2", "p2", "p1",
        "p1", EncoderGraph.STYLE_OUTPUTS, "style_outputs");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Tensor reference = npy("reduced_e4e_trace_" + e.getValue() + ".npy");
      assertThat(trace.get(e.getKey()).shape()).as(e.getKey()).isEqualTo(reference.shape());
      assertThat(trace.get(e.getKey()).maxAbsDifference(reference)).as(e.getKey()).isLessThanOrEqualTo(CODES);
    }
  }

  @Test
  void photosInvertToUpstreamsWPlus() throws IOException {
    Path ref = ReferenceData.encoders();
    Tensor expected = npy("reduced_e4e_codes_plus_latent_avg.npy");
    try (EncoderInverter inverter = EncoderInverter.builder().encoder(read("reduced_e4e.pt")).build()) {
      for (int i = 0; i < 3; i++) {
        Tensor ws = inverter.invert(PhotoReader.defaults().read(ref.resolve("reduced_photo" + i + ".png"))).ws();
        assertThat(ws.maxAbsDifference(expected.slice(i, i + 1).reshape(10, 32))).as("photo %s", i)
            .isLessThanOrEqualTo(CODES);
      }
    }
  }
}
