package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Noise modes, conditional models and input checks. */
class DjlGeneratorTest {
  @Test
  void randomNoiseDependsOnlyOnTheSeed() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager step = g.manager().newSubManager()) {
      NDArray ws = DjlTensors.toNDArray(step, ReferenceCases.array("tiny_trace_ws.npy"));
      Tensor first = DjlTensors.toTensor(g.synthesis(ws, Noise.random(1)));
      assertThat(DjlTensors.toTensor(g.synthesis(ws, Noise.random(1)))).isEqualTo(first);
      assertThat(DjlTensors.toTensor(g.synthesis(ws, Noise.random(2)))).isNotEqualTo(first);
      assertThat(DjlTensors.toTensor(g.synthesis(ws, Noise.CONST))).isNotEqualTo(first);
    }
  }

  @Test
  void aBatchOfOneGivesTheSameSample() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("toon"));
        NDManager step = g.manager().newSubManager()) {
      Tensor ws = ReferenceCases.array("tiny_trace_ws.npy");
      Tensor batch = DjlTensors.toTensor(g.synthesis(DjlTensors.toNDArray(step, ws), Noise.CONST));
      Tensor single = DjlTensors.toTensor(g.synthesis(DjlTensors.toNDArray(step, ws.slice(1, 2)), Noise.CONST));
      assertThat(single.maxAbsDifference(batch.slice(1, 2))).isLessThanOrEqualTo(1e-5f);
    }
  }

  @Test
  void conditionalModelsNeedLabels() {
    GeneratorConfig config = GeneratorConfig.builder(16, 16, 16)
        .cDim(3)
        .synthesis(new SynthesisConfig(256, 32, 0, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
    try (DjlGenerator g = DjlGenerator.create(RandomModels.create(config, 7));
        NDManager step = g.manager().newSubManager()) {
      NDArray z = DjlTensors.toNDArray(step, NumpyRandomState.latents(List.of(0L, 1L), 16));
      NDArray labels = step.create(new float[] {1, 0, 0, 0, 0, 1}, new Shape(2, 3));
      NDArray ws = g.mapping(z, labels, Truncation.of(0.5));
      assertThat(ws.getShape()).isEqualTo(new Shape(2, config.numWs(), 16));
      assertThat(g.synthesis(ws, Noise.NONE).getShape()).isEqualTo(new Shape(2, 3, 16, 16));
      assertThatThrownBy(() -> g.mapping(z, null, Truncation.NONE)).hasMessageContaining("conditional");
    }
  }

  @Test
  void wrongShapesAreRefusedWithTheExpectedShape() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager step = g.manager().newSubManager()) {
      assertThatThrownBy(() -> g.mapping(step.zeros(new Shape(2, 31)), null, Truncation.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[N, 32]");
      assertThatThrownBy(() -> g.synthesis(step.zeros(new Shape(2, 7, 32)), Noise.CONST))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[N, 8, 32]");
    }
  }
}
