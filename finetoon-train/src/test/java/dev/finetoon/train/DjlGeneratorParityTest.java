package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The DJL lowering against NVIDIA's recorded outputs, to the reference README's float32 tolerances. */
class DjlGeneratorParityTest {
  private static final float WS_TOLERANCE = 1e-4f;
  private static final float IMG_TOLERANCE = 1e-3f;

  static Stream<ReferenceCases.Generate> generateCases() {
    return ReferenceCases.generate();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generateCases")
  void mappingAndSynthesisMatchNvidia(ReferenceCases.Generate c) {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model(c.model()));
        NDManager inputs = g.manager().newSubManager()) {
      Tensor z = NumpyRandomState.latents(c.seeds(), g.config().zDim());
      Tensor ws = DjlTensors.toTensor(g.mapping(DjlTensors.toNDArray(inputs, z), null, c.truncation()));
      assertThat(ws.maxAbsDifference(c.ws())).as("ws").isLessThanOrEqualTo(WS_TOLERANCE);

      NDArray img = g.synthesis(DjlTensors.toNDArray(inputs, c.ws()), Noise.of(c.noise(), 0));
      assertThat(DjlTensors.toTensor(img).maxAbsDifference(c.img())).as("img").isLessThanOrEqualTo(IMG_TOLERANCE);
    }
  }

  @Test
  void everyBlockMatchesTheTrace() {
    JsonNode trace = ReferenceCases.index().get("cases").findParents("kind").stream()
        .filter(c -> c.get("kind").asText().equals("block_trace"))
        .findFirst()
        .orElseThrow();
    StyleGanModel model = ReferenceCases.model(ReferenceCases.modelKey(trace.get("model")));
    try (DjlGenerator g = DjlGenerator.create(model);
        NDManager scope = g.manager().newSubManager()) {
      Weights weights = g.weights();
      NDArray ws = DjlTensors.toNDArray(scope, ReferenceCases.array(trace.get("ws").asText()));
      NDArray x = null;
      NDArray img = null;
      for (JsonNode recorded : trace.get("blocks")) {
        SynthesisBlock block = model.plan().block(recorded.get("resolution").asInt());
        NDList out = StyleGanOps.block(weights, block, x, img, ws, layer -> weights.get(layer.noiseConst()));
        x = out.get(0);
        img = out.get(1);
        assertThat(DjlTensors.toTensor(x).maxAbsDifference(ReferenceCases.array(recorded.get("x").asText())))
            .as("features after %s", block.name())
            .isLessThanOrEqualTo(IMG_TOLERANCE);
        assertThat(DjlTensors.toTensor(img).maxAbsDifference(ReferenceCases.array(recorded.get("img").asText())))
            .as("image after %s", block.name())
            .isLessThanOrEqualTo(IMG_TOLERANCE);
      }
    }
  }
}
