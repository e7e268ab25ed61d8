package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.onnx.OnnxGenerator;
import dev.finetoon.onnx.SessionSettings;
import dev.finetoon.seed.NumpyRandomState;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ONNX and DJL lowerings of the same layer plan agree, beyond the reference models' configuration. */
class BackendAgreementTest {
  @ParameterizedTest
  @EnumSource(dev.finetoon.NoiseMode.class)
  void onnxAndDjlDrawTheSameImages(dev.finetoon.NoiseMode mode) {
    StyleGanModel model = RandomModels.create(GeneratorConfig.builder(24, 16, 16).cDim(3).build(), 5);
    Tensor z = NumpyRandomState.latents(List.of(1L, 2L), 24);
    Tensor labels = Tensor.of(new float[] {1, 0, 0, 0, 0, 1}, 2, 3);
    Truncation truncation = Truncation.of(0.6).withCutoff(3);
    Noise noise = Noise.of(mode, 9);
    try (OnnxGenerator onnx = OnnxGenerator.open(model, SessionSettings.defaults());
        DjlGenerator djl = DjlGenerator.create(model)) {
      Tensor onnxWs = onnx.mapping(z, labels, truncation);
      Tensor djlWs = DjlTensors.toTensor(djl.mapping(DjlTensors.toNDArray(djl.manager(), z),
          DjlTensors.toNDArray(djl.manager(), labels), truncation));
      assertThat(djlWs.maxAbsDifference(onnxWs)).isLessThan(1e-5f);

      Tensor onnxImg = onnx.synthesis(onnxWs, noise);
      Tensor djlImg = DjlTensors.toTensor(djl.synthesis(DjlTensors.toNDArray(djl.manager(), onnxWs), noise));
      assertThat(djlImg.maxAbsDifference(onnxImg)).isLessThan(1e-4f);
    }
  }
}
