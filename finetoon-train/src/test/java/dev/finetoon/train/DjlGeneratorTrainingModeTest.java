package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training mode tracks {@code w_avg = lerp(mean(w), w_avg, 0.995)} at every mapping forward, as NVIDIA's G.train(). */
class DjlGeneratorTrainingModeTest {
  private static final float BETA = 0.995f;

  @Test
  void everyForwardMovesWAvgTowardsTheBatchMean() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager step = g.manager().newSubManager()) {
      g.setTraining(true);
      Tensor wAvg = wAvg(g);
      for (List<Long> seeds : List.of(List.of(0L, 1L, 303L), List.of(7L))) {
        Tensor ws = mapping(g, step, seeds, Truncation.NONE);
        wAvg = lerp(batchMean(ws), wAvg, BETA);
        assertThat(wAvg(g).maxAbsDifference(wAvg)).isLessThanOrEqualTo(1e-6f);
      }
    }
  }

  @Test
  void truncationUsesTheUpdatedWAvg() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager step = g.manager().newSubManager()) {
      Tensor w = mapping(g, step, List.of(5L), Truncation.NONE);
      g.setTraining(true);
      Tensor truncated = mapping(g, step, List.of(5L), Truncation.of(0.5));
      Tensor expected = lerp(wAvg(g), batchMean(w), 0.5f);
      int numWs = g.config().numWs();
      int wDim = g.config().wDim();
      for (int i = 0; i < numWs; i++) {
        Tensor wi = truncated.reshape(numWs, wDim).slice(i, i + 1).reshape(wDim);
        assertThat(wi.maxAbsDifference(expected)).as("w %s", i).isLessThanOrEqualTo(1e-6f);
      }
    }
  }

  @Test
  void evaluationModeLeavesWAvgAlone() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager step = g.manager().newSubManager()) {
      Tensor before = wAvg(g);
      mapping(g, step, List.of(0L, 1L), Truncation.of(0.7));
      assertThat(g.isTraining()).isFalse();
      assertThat(wAvg(g)).isEqualTo(before);
    }
  }

  private static Tensor mapping(DjlGenerator g, NDManager step, List<Long> seeds, Truncation truncation) {
    Tensor z = NumpyRandomState.latents(seeds, g.config().zDim());
    return DjlTensors.toTensor(g.mapping(DjlTensors.toNDArray(step, z), null, truncation));
  }

  private static Tensor wAvg(DjlGenerator g) {
    return DjlTensors.toTensor(g.tensor(LayerPlan.W_AVG));
  }

  /** The mean over the batch of the untruncated w, {@code ws[:, 0]}. */
  private static Tensor batchMean(Tensor ws) {
    int n = ws.dim(0);
    int wDim = ws.dim(2);
    float[] mean = new float[wDim];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < wDim; j++) {
        mean[j] += ws.get(i, 0, j) / n;
      }
    }
    return Tensor.of(mean, wDim);
  }

  /** {@code torch.lerp(start, end, weight)} in float32. */
  private static Tensor lerp(Tensor start, Tensor end, float weight) {
    float[] out = new float[start.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = start.get(j) + weight * (end.get(j) - start.get(j));
    }
    return Tensor.of(out, out.length);
  }
}
