package dev.finetoon.project;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;

/**
 * Settings of a projection; the defaults are NVIDIA's {@code projector.py}.
 *
 * @param schedule steps, learning-rate ramps and w-noise fade (default {@link ProjectionSchedule#nvidia(int)} of 1000)
 * @param wAvgSamples latents for the w statistics (10 000, z from {@code RandomState(123)})
 * @param noiseRegularization weight of the noise regulariser (1e5)
 * @param seed seeds the random start of the noise buffers and the w noise
 * @param keepSteps whether to keep the w of every step (for animations)
 * @param featureNetwork the TorchScript feature network with NVIDIA's {@code vgg16.pt} call convention
 */
public record ProjectionOptions(
    ProjectionSchedule schedule, int wAvgSamples, double noiseRegularization, long seed, boolean keepSteps,
    Path featureNetwork) {

  public ProjectionOptions {
    checkArgument(wAvgSamples > 0, "wAvgSamples must be positive");
    checkArgument(noiseRegularization >= 0, "noise regularisation must not be negative");
  }

  /** NVIDIA's defaults with the given feature network. */
  public static ProjectionOptions defaults(Path featureNetwork) {
    return new ProjectionOptions(ProjectionSchedule.nvidia(1000), WStatistics.SAMPLES, 1e5, 0, false, featureNetwork);
  }

  public ProjectionOptions withSteps(int steps) {
    return new ProjectionOptions(
        new ProjectionSchedule(steps, schedule.initialLearningRate(), schedule.lrRampup(), schedule.lrRampdown(),
            schedule.initialNoiseFactor(), schedule.noiseRamp()),
        wAvgSamples, noiseRegularization, seed, keepSteps, featureNetwork);
  }

  public ProjectionOptions withSeed(long value) {
    return new ProjectionOptions(schedule, wAvgSamples, noiseRegularization, value, keepSteps, featureNetwork);
  }

  public ProjectionOptions withKeepSteps(boolean value) {
    return new ProjectionOptions(schedule, wAvgSamples, noiseRegularization, seed, value, featureNetwork);
  }
}
