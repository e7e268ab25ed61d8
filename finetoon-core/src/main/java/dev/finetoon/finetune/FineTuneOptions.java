package dev.finetoon.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.finetoon.NoiseMode;
import dev.finetoon.Truncation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Settings of a {@link dev.finetoon.TripletFineTuner} run; the defaults are the seed notebook's.
 *
 * <pre>{@code
 * FineTuneOptions options = FineTuneOptions.builder().epochs(5).checkpoints(Path.of("ckpt"), 50).build();
 * }</pre>
 *
 * @param seeds the training latents, one per sample (default: 100 seeds sampled from 0–9999 with sampler seed 0)
 * @param truncation ψ for anchor, positive and negative (default 0.7)
 * @param noise noise mode during training (default random, as the notebook; const for determinism)
 * @param noiseSeed base seed of the random noise; each step derives its own from it
 * @param trackWAvg whether the trained mapping updates {@code w_avg} at every forward (training mode, default true)
 * @param frozenBlocks synthesis block resolutions whose weights do not train
 * @param previewSeed the seed drawn after each epoch (the notebook shows seed 28)
 * @param checkpointEvery steps between checkpoints (0: only at the end); needs {@code checkpointDir}
 */
public record FineTuneOptions(
    List<Long> seeds,
    int epochs,
    int batchSize,
    Truncation truncation,
    double learningRate,
    double beta1,
    double beta2,
    double epsilon,
    TripletLoss loss,
    NoiseMode noise,
    long noiseSeed,
    boolean trackWAvg,
    boolean freezeMapping,
    Set<Integer> frozenBlocks,
    long previewSeed,
    Optional<Path> checkpointDir,
    int checkpointEvery) {

  public FineTuneOptions {
    checkArgument(!seeds.isEmpty(), "no training seeds");
    checkArgument(epochs >= 1 && batchSize >= 1, "epochs and batch size must be at least 1");
    checkArgument(checkpointEvery >= 0, "checkpointEvery must not be negative");
    checkArgument(checkpointEvery == 0 || checkpointDir.isPresent(), "checkpointEvery needs a checkpoint directory");
    seeds = ImmutableList.copyOf(seeds);
    frozenBlocks = ImmutableSet.copyOf(frozenBlocks);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code count} distinct seeds drawn from {@code [0, bound)} by a seeded sampler. */
  public static List<Long> sampleSeeds(int count, int bound, long samplerSeed) {
    checkArgument(count > 0 && count <= bound, "cannot draw %s distinct seeds below %s", count, bound);
    List<Long> pool = new ArrayList<>();
    for (long s = 0; s < bound; s++) {
      pool.add(s);
    }
    SplittableRandom random = new SplittableRandom(samplerSeed);
    for (int i = 0; i < count; i++) {
      java.util.Collections.swap(pool, i, i + random.nextInt(bound - i));
    }
    return List.copyOf(pool.subList(0, count));
  }

  /** These options writing their checkpoints into {@code dir}. */
  public FineTuneOptions withCheckpointDir(Path dir) {
    return new FineTuneOptions(seeds, epochs, batchSize, truncation, learningRate, beta1, beta2, epsilon, loss, noise,
        noiseSeed, trackWAvg, freezeMapping, frozenBlocks, previewSeed, Optional.of(dir), checkpointEvery);
  }

  /** Optimiser steps in one epoch. */
  public int stepsPerEpoch() {
    return (seeds.size() + batchSize - 1) / batchSize;
  }

  /** Builder with the notebook's defaults. */
  public static final class Builder {
    private List<Long> seeds = sampleSeeds(100, 10_000, 0);
    private int epochs = 1;
    private int batchSize = 1;
    private Truncation truncation = Truncation.of(0.7);
    private double learningRate = 1e-5;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private TripletLoss loss = new TripletLoss(TripletLoss.Distance.COSINE_DISTANCE, 1.0);
    private NoiseMode noise = NoiseMode.RANDOM;
    private long noiseSeed;
    private boolean trackWAvg = true;
    private boolean freezeMapping;
    private Set<Integer> frozenBlocks = Set.of();
    private long previewSeed = 28;
    private Path checkpointDir;
    private int checkpointEvery;

    public Builder seeds(List<Long> value) {
      seeds = value;
      return this;
    }

    public Builder epochs(int value) {
      epochs = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder truncation(Truncation value) {
      truncation = value;
      return this;
    }

    public Builder adam(double lr, double b1, double b2, double eps) {
      learningRate = lr;
      beta1 = b1;
      beta2 = b2;
      epsilon = eps;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    public Builder loss(TripletLoss value) {
      loss = value;
      return this;
    }

    public Builder noise(NoiseMode mode, long seed) {
      noise = mode;
      noiseSeed = seed;
      return this;
    }

    public Builder trackWAvg(boolean value) {
      trackWAvg = value;
      return this;
    }

    public Builder freezeMapping(boolean value) {
      freezeMapping = value;
      return this;
    }

    public Builder frozenBlocks(Set<Integer> value) {
      frozenBlocks = value;
      return this;
    }

    public Builder previewSeed(long value) {
      previewSeed = value;
      return this;
    }

    /** Writes a checkpoint into {@code dir} every {@code everySteps} steps (0: only at the end). */
    public Builder checkpoints(Path dir, int everySteps) {
      checkpointDir = dir;
      checkpointEvery = everySteps;
      return this;
    }

    public FineTuneOptions build() {
      return new FineTuneOptions(seeds, epochs, batchSize, truncation, learningRate, beta1, beta2, epsilon, loss,
          noise, noiseSeed, trackWAvg, freezeMapping, frozenBlocks, previewSeed, Optional.ofNullable(checkpointDir),
          checkpointEvery);
    }
  }
}
