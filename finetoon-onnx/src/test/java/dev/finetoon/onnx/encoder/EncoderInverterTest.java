package dev.finetoon.onnx.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.EncoderInverter;
import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.Toonifier;
import dev.finetoon.encoder.EncoderArchitecture;
import dev.finetoon.encoder.EncoderInput;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.encoder.EncoderNet;
import dev.finetoon.encoder.Encoders;
import dev.finetoon.encoder.ImageEncoder;
import dev.finetoon.encoder.RandomEncoders;
import dev.finetoon.image.CenterCrop;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** EncoderInverter's one pass and its base check, on random reduced-width encoders. */
class EncoderInverterTest {
  private static final StyleGanModel DECODER = RandomModels.create(GeneratorConfig.builder(32, 32, 64).build(), 1);

  private static RgbImage photo(int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    new Random(5).nextBytes(rgb);
    return RgbImage.of(width, height, rgb);
  }

  @Test
  void encoderOnlyInversionIsTheEncodersWPlus() throws Exception {
    EncoderModel e4e = RandomEncoders.create(EncoderArchitecture.ENCODER4EDITING, 16, DECODER, 3);
    RgbImage face = photo(64, 64);
    Tensor expected;
    try (ImageEncoder encoder = Encoders.open(e4e)) {
      expected = encoder.encode(EncoderInput.of(face)).ws();
    }
    try (EncoderInverter inverter = EncoderInverter.builder().encoder(e4e).build()) {
      Projection p = inverter.invert(face);
      assertThat(p.ws().shape()).containsExactly(10, 32);
      assertThat(p.ws().maxAbsDifference(expected.reshape(10, 32))).isEqualTo(0f);
      assertThat(p.losses()).isEmpty();
      assertThat(inverter.model()).isSameAs(DECODER);
    }
  }

  @Test
  void oneWIsRepeatedOverTheDecodersRows() throws Exception {
    EncoderModel pspW = RandomEncoders.create(EncoderArchitecture.LAST_LAYER_INTO_W, 16, DECODER, 4);
    try (ImageEncoder encoder = Encoders.open(pspW)) {
      ImageEncoder.Encoding e = encoder.encode(EncoderInput.of(photo(300, 200)));
      assertThat(e.codes().shape()).containsExactly(1, 32);
      assertThat(e.ws().shape()).containsExactly(1, 10, 32);
      Tensor avg = pspW.latentAvg();
      for (int row = 0; row < 10; row++) {
        for (int c = 0; c < 32; c++) {
          assertThat(e.ws().get(0, row, c)).isEqualTo(e.codes().get(0, c) + avg.get(0, c));
        }
      }
    }
  }

  @Test
  void anotherBaseIsRefusedUnlessAllowed() throws Exception {
    EncoderModel psp = RandomEncoders.create(EncoderArchitecture.GRADUAL_STYLE, 16, DECODER, 5);
    StyleGanModel other = RandomModels.create(GeneratorConfig.builder(32, 32, 64).build(), 2);
    assertThatThrownBy(() -> EncoderInverter.builder().encoder(psp).base(other).build())
        .isInstanceOf(IncompatibleModelsException.class)
        .hasMessageContaining("not the encoder's decoder")
        .hasMessageContaining("differs by")
        .hasMessageContaining("allowDecoderMismatch");
    StyleGanModel bigger = RandomModels.create(GeneratorConfig.builder(32, 32, 128).build(), 1);
    assertThatThrownBy(() -> EncoderInverter.builder().encoder(psp).base(bigger).build())
        .hasMessageContaining("decoder 64px w_dim 32, base 128px w_dim 32");
    StyleGanModel sameValues = DECODER.withTensors(Map.of(), Map.of("source", "a copy"));
    try (EncoderInverter same = EncoderInverter.builder().encoder(psp).base(sameValues).build();
        EncoderInverter allowed = EncoderInverter.builder().encoder(psp).base(other).allowDecoderMismatch().build()) {
      assertThat(allowed.invert(photo(64, 64)).ws().maxAbsDifference(same.invert(photo(64, 64)).ws())).isEqualTo(0f);
    }
  }

  @Test
  void aToonifierInvertsWithTheEncoderAndChecksItsSizes() throws Exception {
    EncoderModel e4e = RandomEncoders.create(EncoderArchitecture.ENCODER4EDITING, 16, DECODER, 7);
    StyleGanModel toon = RandomModels.create(GeneratorConfig.builder(32, 32, 64).build(), 8);
    RgbImage photo = photo(90, 70);
    try (EncoderInverter inverter = EncoderInverter.builder().encoder(e4e).build();
        Toonifier toonifier = Toonifier.builder().base(DECODER).fineTuned(toon).inverter(inverter).centreCrop()
            .build()) {
      Toonifier.Result result = toonifier.toonify(photo);
      Tensor expected = inverter.invert(CenterCrop.resized(photo, 64)).ws();
      assertThat(result.projection().ws().maxAbsDifference(expected)).isEqualTo(0f);
      assertThat(result.toonified().getWidth()).isEqualTo(64);
      StyleGanModel bigger = RandomModels.create(GeneratorConfig.builder(32, 32, 128).build(), 1);
      assertThatThrownBy(() -> Toonifier.builder().base(bigger).fineTuned(bigger).inverter(inverter).centreCrop()
          .build()).isInstanceOf(IncompatibleModelsException.class).hasMessageContaining("the inverter's model");
    }
  }

  @Test
  void aMissingOrMisshapenTensorIsNamed() throws Exception {
    EncoderModel e4e = RandomEncoders.create(EncoderArchitecture.ENCODER4EDITING, 16, DECODER, 6);
    Map<String, Tensor> missing = new HashMap<>(e4e.weights());
    missing.remove("body.7.shortcut_layer.1.running_var");
    assertThatThrownBy(() -> EncoderNet.describe(EncoderArchitecture.ENCODER4EDITING, missing))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("body.7.shortcut_layer.1.running_var");
    Map<String, Tensor> misshapen = new HashMap<>(e4e.weights());
    misshapen.put("styles.4.linear.weight", Tensor.zeros(32, 16));
    assertThatThrownBy(() -> EncoderNet.describe(EncoderArchitecture.ENCODER4EDITING, misshapen))
        .hasMessageContaining("encoder.styles.4.linear.weight has shape [32, 16], expected [32, 32]");
    StyleGanModel wider = RandomModels.create(GeneratorConfig.builder(32, 64, 64).build(), 1);
    assertThatThrownBy(() -> EncoderModel.of(EncoderArchitecture.ENCODER4EDITING, e4e.weights(), e4e.latentAvg(),
        true, wider, Map.of())).hasMessageContaining("the decoder's w_dim is 64 but the encoder's codes are 32 wide");
    assertThatThrownBy(() -> EncoderArchitecture.of("ProgressiveBackboneEncoder"))
        .hasMessageContaining("unsupported encoder_type 'ProgressiveBackboneEncoder'");
  }
}
