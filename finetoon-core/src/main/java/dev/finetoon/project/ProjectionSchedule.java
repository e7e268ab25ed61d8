package dev.finetoon.project;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The learning-rate and latent-noise schedule of NVIDIA's projector: a linear ramp-up over the first
 * {@code lrRampup} of the run, a cosine ramp-down over the last {@code lrRampdown}, and w noise
 * {@code w_std · initialNoiseFactor · max(0, 1 − t / noiseRamp)²} that fades out by {@code noiseRamp}.
 *
 * <pre>{@code
 * ProjectionSchedule s = ProjectionSchedule.nvidia(1000);
 * s.learningRate(500); // 0.1
 * }</pre>
 */
public record ProjectionSchedule(
    int steps, double initialLearningRate, double lrRampup, double lrRampdown, double initialNoiseFactor,
    double noiseRamp) {

  public ProjectionSchedule {
    checkArgument(steps > 0, "steps must be positive, got %s", steps);
    checkArgument(initialLearningRate > 0, "learning rate must be positive");
    checkArgument(lrRampup > 0 && lrRampdown > 0 && noiseRamp > 0, "ramp lengths must be positive");
    checkArgument(initialNoiseFactor >= 0, "noise factor must not be negative");
  }

  /** NVIDIA's defaults: lr 0.1, ramp-up 0.05, ramp-down 0.25, noise factor 0.05 fading by 0.75 of the run. */
  public static ProjectionSchedule nvidia(int steps) {
    return new ProjectionSchedule(steps, 0.1, 0.05, 0.25, 0.05, 0.75);
  }

  /** The learning rate at step {@code step} (0-based). */
  public double learningRate(int step) {
    double t = (double) step / steps;
    double ramp = Math.min(1.0, (1.0 - t) / lrRampdown);
    ramp = 0.5 - 0.5 * Math.cos(ramp * Math.PI);
    ramp = ramp * Math.min(1.0, t / lrRampup);
    return initialLearningRate * ramp;
  }

  /** The standard deviation of the noise added to w at {@code step}, for latents of spread {@code wStd}. */
  public double wNoiseScale(int step, double wStd) {
    double t = (double) step / steps;
    double fade = Math.max(0.0, 1.0 - t / noiseRamp);
    return wStd * initialNoiseFactor * fade * fade;
  }
}
