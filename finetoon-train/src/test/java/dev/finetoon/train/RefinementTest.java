package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.RefinementOptions;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The W+ refinement from a given start on the tiny base model: it improves, and never returns worse than its start. */
class RefinementTest {
  private static final int NUM_WS = 8;
  private static final int W_DIM = 32;

  private static DjlProjector projector(StyleGanModel model) throws IOException {
    return new DjlProjector(model, ProjectionOptions.defaults(),
        LpipsFeatures.load(ReferenceData.tiny("tiny_lpips.pt")), ai.djl.Device.cpu());
  }

  /** The rendering (0..255) of seed 7's ws, and a W+ start: those ws with a different perturbation on every row. */
  private static Tensor[] targetAndStart(StyleGanModel base) {
    try (DjlGenerator g = DjlGenerator.create(base)) {
      var z = DjlTensors.toNDArray(g.manager(), NumpyRandomState.latents(List.of(7L), W_DIM));
      var ws = g.mapping(z, null, Truncation.of(0.7));
      Tensor target = DjlTensors.toTensor(g.synthesis(ws, Noise.CONST).add(1).mul(127.5f).clip(0, 255));
      float[] start = DjlTensors.toTensor(ws).toArray();
      Random random = new Random(3);
      for (int i = 0; i < start.length; i++) {
        start[i] += (float) (0.3 * random.nextGaussian());
      }
      return new Tensor[] {target, Tensor.of(start, 1, NUM_WS, W_DIM)};
    }
  }

  @Test
  void refinementLowersTheDistanceFromTheStartAndReturnsTheBestMeasured() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    Tensor[] ts = targetAndStart(base);
    try (DjlProjector projector = projector(base)) {
      double startDistance = projector.distance(ts[0], ts[1]);
      Projection p = projector.refine(ts[0], ts[1],
          RefinementOptions.defaults().withSteps(30).withPatience(0).withKeepSteps(true), (s, n, d, l) -> true);
      List<Double> losses = p.losses();
      assertThat(losses).hasSize(31);
      assertThat(losses.get(0)).as("step 0 = the start").isCloseTo(startDistance, within(1e-4 * startDistance));
      assertThat(p.wPerStep().get(0).maxAbsDifference(ts[1].reshape(NUM_WS, W_DIM))).isEqualTo(0f);
      double firstHalf = losses.subList(0, 15).stream().mapToDouble(d -> d).average().orElseThrow();
      double secondHalf = losses.subList(16, 31).stream().mapToDouble(d -> d).average().orElseThrow();
      assertThat(secondHalf).as("later steps are closer on average").isLessThan(firstHalf);
      double best = losses.stream().mapToDouble(d -> d).min().orElseThrow();
      assertThat(best).isLessThan(0.9 * startDistance);
      double returned = projector.distance(ts[0], p.ws().reshape(1, NUM_WS, W_DIM));
      assertThat(returned).as("the returned W+ is the best measured").isCloseTo(best, within(1e-4 * best));
      assertThat(p.ws().shape()).containsExactly(NUM_WS, W_DIM);
    }
  }

  @Test
  void aDivergingRefinementReturnsItsStart() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    Tensor[] ts = targetAndStart(base);
    try (DjlProjector projector = projector(base)) {
      // a learning rate of 50 throws every row far off: nothing after step 0 is closer
      Projection p = projector.refine(ts[0], ts[1], RefinementOptions.defaults().withSteps(5).withLearningRate(50)
          .withPatience(0), (s, n, d, l) -> true);
      assertThat(p.losses().subList(1, p.losses().size())).allSatisfy(d -> assertThat(d).isGreaterThan(p.losses()
          .get(0)));
      assertThat(p.ws().maxAbsDifference(ts[1].reshape(NUM_WS, W_DIM))).isEqualTo(0f);
    }
  }

  @Test
  void zeroStepsMeasureTheStartOnlyAndPatienceStopsEarly() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    Tensor[] ts = targetAndStart(base);
    try (DjlProjector projector = projector(base)) {
      Projection none = projector.refine(ts[0], ts[1], RefinementOptions.defaults().withSteps(0), (s, n, d, l) -> true);
      assertThat(none.losses()).hasSize(1);
      assertThat(none.ws().maxAbsDifference(ts[1].reshape(NUM_WS, W_DIM))).isEqualTo(0f);
      Projection stalled = projector.refine(ts[0], ts[1], RefinementOptions.defaults().withSteps(40)
          .withLearningRate(50).withPatience(3), (s, n, d, l) -> true);
      assertThat(stalled.losses()).as("step 0, then 3 steps without improvement").hasSize(4);
      assertThatThrownBy(() -> projector.refine(ts[0], ts[1].reshape(NUM_WS, W_DIM), RefinementOptions.defaults(),
          (s, n, d, l) -> true)).hasMessageContaining("start must be [1, 8, 32]");
    }
  }
}
