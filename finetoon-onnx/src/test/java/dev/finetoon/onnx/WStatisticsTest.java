package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetoon.Tensor;
import dev.finetoon.project.WStatistics;
import dev.finetoon.testing.ReferenceCases;
import org.junit.jupiter.api.Test;

/** The projector's w statistics against the ones NVIDIA's projector computed for the tiny base model. */
class WStatisticsTest {
  @Test
  void matchesNvidiasProjectorStatistics() {
    double referenceStd = ReferenceCases.index().findValue("w_std").asDouble();
    Tensor referenceAvg = ReferenceCases.array("tiny_proj_w_avg.npy");
    try (OnnxGenerator g = OnnxGenerator.open(ReferenceCases.model("base"), SessionSettings.defaults())) {
      WStatistics stats = WStatistics.estimate(g);

      assertThat(stats.wAvg().maxAbsDifference(referenceAvg.reshape(g.config().wDim()))).isLessThanOrEqualTo(1e-4f);
      assertThat(stats.wStd()).isCloseTo(referenceStd, within(1e-4 * referenceStd));
    }
  }
}
