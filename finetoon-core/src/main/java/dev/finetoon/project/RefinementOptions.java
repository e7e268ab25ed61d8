package dev.finetoon.project;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Settings of a short W+ optimisation from a given start (an encoder's W+): Adam on the LPIPS distance of NVIDIA's
 * projector, at a constant learning rate, stopping early once the best distance has not improved by {@code
 * minImprovement} (relative) for {@code patience} steps.
 *
 * <pre>{@code
 * RefinementOptions options = RefinementOptions.defaults().withSteps(100).withLearningRate(0.005);
 * }</pre>
 *
 * @param steps optimisation steps; 0 returns the start unchanged
 * @param learningRate Adam's step size (NVIDIA's projector ramps to 0.1 from the mean w; a good start needs less)
 * @param patience steps without improvement before stopping; 0 never stops early
 * @param minImprovement the relative decrease of the best distance that counts as an improvement
 * @param keepSteps whether to keep the W+ of every step (step 0 = the start)
 */
public record RefinementOptions(int steps, double learningRate, int patience, double minImprovement,
    boolean keepSteps) {
  public RefinementOptions {
    checkArgument(steps >= 0, "steps must not be negative, got %s", steps);
    checkArgument(learningRate > 0, "learning rate must be positive, got %s", learningRate);
    checkArgument(patience >= 0, "patience must not be negative, got %s", patience);
    checkArgument(minImprovement >= 0, "minImprovement must not be negative, got %s", minImprovement);
  }

  /** 50 steps at learning rate 0.01, stopping after 10 steps without a 0.1 % improvement. */
  public static RefinementOptions defaults() {
    return new RefinementOptions(50, 0.01, 10, 1e-3, false);
  }

  public RefinementOptions withSteps(int value) {
    return new RefinementOptions(value, learningRate, patience, minImprovement, keepSteps);
  }

  public RefinementOptions withLearningRate(double value) {
    return new RefinementOptions(steps, value, patience, minImprovement, keepSteps);
  }

  public RefinementOptions withPatience(int value) {
    return new RefinementOptions(steps, learningRate, value, minImprovement, keepSteps);
  }

  public RefinementOptions withKeepSteps(boolean value) {
    return new RefinementOptions(steps, learningRate, patience, minImprovement, value);
  }
}
