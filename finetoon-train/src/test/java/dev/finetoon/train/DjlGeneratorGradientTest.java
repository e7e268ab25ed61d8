package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backpropagation through the DJL generator reaches every parameter, chosen buffers and the input ws. */
class DjlGeneratorGradientTest {
  private static final String NOISE = "synthesis.b16.conv1.noise_const";

  @Test
  void parametersAreNvidiasAndBuffersAreNot() {
    JsonNode triplet = ReferenceCases.index().get("cases").findParents("kind").stream()
        .filter(c -> c.get("kind").asText().equals("triplet"))
        .findFirst()
        .orElseThrow();
    List<String> expected = new ArrayList<>();
    triplet.get("trainable_parameter_names").forEach(name -> expected.add(name.asText()));
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"))) {
      assertThat(g.parameterNames()).containsExactlyElementsOf(expected);
      assertThat(g.trainableTensors().keySet()).containsExactlyElementsOf(expected);
      assertThat(g.tensor(LayerPlan.W_AVG).hasGradient()).isFalse();
      assertThat(g.tensor(NOISE).hasGradient()).isFalse();
    }
  }

  @Test
  void aLossOfTheImageReachesEveryParameterAndAChosenNoiseBuffer() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"))) {
      g.setRequiresGradient(NOISE, true);
      loss(g);
      Map<String, NDArray> trainable = g.trainableTensors();
      assertThat(trainable).containsKeys("synthesis.b4.const", "mapping.fc0.weight", NOISE);
      trainable.forEach((name, array) -> assertThat(maxAbsGradient(array)).as(name).isGreaterThan(0f));
    }
  }

  @Test
  void gradientsAccumulateUntilZeroed() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"))) {
      String name = "mapping.fc0.weight";
      loss(g);
      Tensor once = gradient(g.tensor(name));
      loss(g);
      assertThat(gradient(g.tensor(name)).maxAbsDifference(scaled(once, 2))).isLessThan(1e-6f);

      g.zeroGradients();
      assertThat(maxAbsGradient(g.tensor(name))).isZero();
      loss(g);
      assertThat(gradient(g.tensor(name)).maxAbsDifference(once)).isLessThan(1e-7f);
    }
  }

  @Test
  void theGradientIsTheSlopeOfTheLoss() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager scope = g.manager().newSubManager()) {
      NDArray weight = g.tensor("mapping.fc0.weight");
      loss(g);
      NDArray grad = DjlTensors.toNDArray(scope, gradient(weight));
      NDArray direction = grad.div(grad.norm());
      float slope = grad.mul(direction).sum().getFloat();
      float h = 1e-2f;
      weight.addi(direction.mul(h));
      float up = loss(g);
      weight.subi(direction.mul(2 * h));
      float down = loss(g);
      assertThat((up - down) / (2 * h)).isCloseTo(slope, within(1e-2f * slope));
    }
  }

  @Test
  void theInputWsGetsAGradient() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager step = g.manager().newSubManager()) {
      NDArray ws = DjlTensors.toNDArray(step, ReferenceCases.array("tiny_trace_ws.npy"));
      ws.setRequiresGradient(true);
      try (GradientCollector collector = step.getEngine().newGradientCollector()) {
        collector.backward(g.synthesis(ws, Noise.CONST).square().mean());
      }
      assertThat(maxAbsGradient(ws)).isGreaterThan(0f);
    }
  }

  /** {@code mean(img²)} for three seeds, ψ 0.7, const noise, backpropagated; returns the loss. */
  private static float loss(DjlGenerator g) {
    try (NDManager step = g.manager().newSubManager();
        GradientCollector collector = step.getEngine().newGradientCollector()) {
      Tensor z = NumpyRandomState.latents(List.of(0L, 1L, 303L), g.config().zDim());
      NDArray ws = g.mapping(DjlTensors.toNDArray(step, z), null, Truncation.of(0.7));
      NDArray loss = g.synthesis(ws, Noise.CONST).square().mean();
      collector.backward(loss);
      return loss.getFloat();
    }
  }

  private static Tensor gradient(NDArray array) {
    try (NDArray grad = array.getGradient()) {
      return DjlTensors.toTensor(grad);
    }
  }

  private static float maxAbsGradient(NDArray array) {
    Tensor grad = gradient(array);
    return grad.maxAbsDifference(Tensor.zeros(grad.shape()));
  }

  private static Tensor scaled(Tensor t, float factor) {
    float[] values = t.toArray();
    for (int i = 0; i < values.length; i++) {
      values[i] *= factor;
    }
    return Tensor.of(values, t.shape());
  }
}
