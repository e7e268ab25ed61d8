package dev.finetoon.project;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Numeric settings of a projection; the defaults are NVIDIA's {@code projector.py}. The feature network and the device
 * belong to the {@link dev.finetoon.Projector.Builder}.
 *
 * <pre>{@code
 * ProjectionOptions options = ProjectionOptions.defaults().withSteps(300).withSeed(1);
 * }</pre>
 *
 * @param schedule steps, learning-rate ramps and w-noise fade (default {@link ProjectionSchedule#nvidia(int)} of 1000)
 * @param wAvgSamples latents for the w statistics (10 000, z from {@code RandomState(123)})
 * @param noiseRegularization weight of the noise regulariser (1e5)
 * @param seed seeds the random start of the noise buffers and the w noise
 * @param keepSteps whether to keep the w of every step (for animations)
 */
public record ProjectionOptions(
    ProjectionSchedule schedule, int wAvgSamples, double noiseRegularization, long seed, boolean keepSteps) {

  public ProjectionOptions {
    checkArgument(wAvgSamples > 0, "wAvgSamples must be positive");
    checkArgument(noiseRegularization >= 0, "noise regularisation must not be negative");
  }

  /** NVIDIA's defaults: 1000 steps, seed 0. */
  public static ProjectionOptions defaults() {
    return new ProjectionOptions(ProjectionSchedule.nvidia(1000), WStatistics.SAMPLES, 1e5, 0, false);
  }

  public ProjectionOptions withSteps(int steps) {
    return new ProjectionOptions(
        new ProjectionSchedule(steps, schedule.initialLearningRate(), schedule.lrRampup(), schedule.lrRampdown(),
            schedule.initialNoiseFactor(), schedule.noiseRamp()),
        wAvgSamples, noiseRegularization, seed, keepSteps);
  }

  public ProjectionOptions withSeed(long value) {
    return new ProjectionOptions(schedule, wAvgSamples, noiseRegularization, value, keepSteps);
  }

  public ProjectionOptions withKeepSteps(boolean value) {
    return new ProjectionOptions(schedule, wAvgSamples, noiseRegularization, seed, value);
  }
}
