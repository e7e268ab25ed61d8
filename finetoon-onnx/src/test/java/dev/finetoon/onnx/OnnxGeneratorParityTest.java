package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every {@code kind: generate} case of NVIDIA's reference, to the README's float32 tolerances. */
class OnnxGeneratorParityTest {
  private static final float WS_TOLERANCE = 1e-4f;
  private static final float IMG_TOLERANCE = 1e-3f;

  static Stream<ReferenceCases.Generate> cases() {
    return ReferenceCases.generate();
  }

  @AfterAll
  static void nothingCompiledIsLeftBehind() {
    assertThat(CompiledGraphs.size()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesNvidia(ReferenceCases.Generate c) {
    try (OnnxGenerator g = OnnxGenerator.open(ReferenceCases.model(c.model()), SessionSettings.defaults())) {
      Tensor z = NumpyRandomState.latents(c.seeds(), g.config().zDim());
      Tensor ws = g.mapping(z, null, c.truncation());
      assertThat(ws.maxAbsDifference(c.ws())).isLessThanOrEqualTo(WS_TOLERANCE);

      Tensor img = g.synthesis(c.ws(), Noise.of(c.noise(), 0));
      assertThat(img.maxAbsDifference(c.img())).isLessThanOrEqualTo(IMG_TOLERANCE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void batchOfOneGivesTheSameSamples(ReferenceCases.Generate c) {
    try (OnnxGenerator g = OnnxGenerator.open(ReferenceCases.model(c.model()), SessionSettings.defaults())) {
      Tensor batch = g.synthesis(c.ws(), Noise.of(c.noise(), 0));
      for (int i = 0; i < c.seeds().size(); i++) {
        Tensor single = g.synthesis(c.ws().slice(i, i + 1), Noise.of(c.noise(), 0));
        assertThat(single.maxAbsDifference(batch.slice(i, i + 1))).isLessThanOrEqualTo(1e-5f);
      }
    }
  }

  @Test
  void blockTraceMatchesBlockByBlock() {
    var trace = ReferenceCases.index().get("cases").findParents("kind").stream()
        .filter(c -> c.get("kind").asText().equals("block_trace"))
        .findFirst()
        .orElseThrow();
    var model = ReferenceCases.model("base");
    Tensor ws = ReferenceCases.array(trace.get("ws").asText());
    Tensor x = null;
    Tensor img = null;
    for (var block : trace.get("blocks")) {
        var plan = model.plan().block(block.get("resolution").asInt());
        var outputs = BlockRunner.run(model, plan, ws, x, img);
        x = outputs.get(StyleGanGraphs.X_OUT);
        img = outputs.get(StyleGanGraphs.IMG_OUT);
        assertThat(x.maxAbsDifference(ReferenceCases.array(block.get("x").asText())))
            .as("features after %s", plan.name())
            .isLessThanOrEqualTo(IMG_TOLERANCE);
        assertThat(img.maxAbsDifference(ReferenceCases.array(block.get("img").asText())))
            .as("image after %s", plan.name())
            .isLessThanOrEqualTo(IMG_TOLERANCE);
    }
  }

  @Test
  void mappingFromSeedsMatchesTheReferenceLatents() {
    Tensor z = NumpyRandomState.latents(List.of(0L, 1L, 303L), 32);
    assertThat(z).isEqualTo(ReferenceCases.array("tiny_z.npy"));
  }
}
