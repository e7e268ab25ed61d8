package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import dev.finetoon.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam exactly as {@code torch.optim.Adam} computes it (bias-corrected moments, ε added after the bias-corrected
 * square root), with its state readable and restorable for checkpoints. DJL's own Adam places ε differently.
 *
 * <pre>{@code
 * AdamOptimizer adam = new AdamOptimizer(1e-3, 0.9, 0.999, 1e-8);
 * adam.step(generator.trainableTensors()); // after backward
 * }</pre>
 *
 * <p>Not thread-safe.
 */
final class AdamOptimizer implements AutoCloseable {
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
  private long steps;

  AdamOptimizer(double learningRate, double beta1, double beta2, double epsilon) {
    checkArgument(learningRate > 0, "learning rate must be positive");
    checkArgument(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must lie in [0, 1)");
    checkArgument(epsilon > 0, "epsilon must be positive");
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** Updates every parameter in place from its gradient (call with gradients computed, outside the collector). */
  void step(Map<String, NDArray> parameters) {
    step(parameters, learningRate);
  }

  /** {@link #step(Map)} with this step's learning rate (for schedules; the moments do not depend on it). */
  void step(Map<String, NDArray> parameters, double learningRate) {
    steps++;
    double correction1 = 1 - Math.pow(beta1, steps);
    double correction2 = 1 - Math.pow(beta2, steps);
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray weight = e.getValue();
      NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {weight.zerosLike(), weight.zerosLike()});
      try (NDArray gradient = weight.getGradient();
          var scope = weight.getManager().newSubManager()) {
        // Every temporary of this update lands in the scope and is freed with it.
        scope.tempAttachAll(gradient, mv[0], mv[1]);
        mv[0].muli(Scalars.of(gradient, beta1)).addi(gradient.mul(Scalars.of(gradient, 1 - beta1)));
        mv[1].muli(Scalars.of(gradient, beta2)).addi(gradient.square().mul(Scalars.of(gradient, 1 - beta2)));
        NDArray denominator =
            mv[1].sqrt().div(Scalars.of(gradient, Math.sqrt(correction2))).add(Scalars.of(gradient, epsilon));
        weight.subi(mv[0].div(denominator).mul(Scalars.of(gradient, learningRate / correction1)));
      }
    }
  }

  /** Steps taken so far. */
  long steps() {
    return steps;
  }

  /** The moments as tensors named {@code m.<parameter>} and {@code v.<parameter>}, for a checkpoint. */
  Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    moments.forEach((name, mv) -> {
      out.put("m." + name, DjlTensors.toTensor(mv[0]));
      out.put("v." + name, DjlTensors.toTensor(mv[1]));
    });
    return out;
  }

  /** Restores {@link #state()} and the step count onto the parameters' managers. */
  void restore(Map<String, Tensor> state, long stepCount, Map<String, NDArray> parameters) {
    close();
    parameters.forEach((name, weight) -> {
      Tensor m = state.get("m." + name);
      Tensor v = state.get("v." + name);
      if (m != null && v != null) {
        moments.put(name, new NDArray[] {
          DjlTensors.toNDArray(weight.getManager(), m), DjlTensors.toNDArray(weight.getManager(), v)});
      }
    });
    this.steps = stepCount;
  }

  /** Frees the moments (they live on the parameters' managers, which may outlive this optimiser). */
  @Override
  public void close() {
    moments.values().forEach(mv -> {
      mv[0].close();
      mv[1].close();
    });
    moments.clear();
  }
}
