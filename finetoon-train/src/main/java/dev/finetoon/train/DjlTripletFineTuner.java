package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.NumpyRandomState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fine-Tooning's fine-tune: a triplet loss on face embeddings pulls the blended model's faces toward the human model's
 * identity (the positive) and away from a more toon-like blend (the negative), seed by seed.
 *
 * <pre>{@code
 * StyleGanModel trained = LayerBlender.swap(ffhq, toon, 64, 128, 256);     // anchor
 * StyleGanModel negative = LayerBlender.swap(ffhq, toon, 32, 64, 128, 256); // one more toon block
 * try (var encoder = TorchScriptFaceEncoder.load(Path.of("facenet.pt"));
 *     var tuner = TripletFineTuner.create(trained, ffhq, negative, encoder, FineTuneOptions.builder().build())) {
 *   StyleGanModel result = tuner.run(new FineTuneListener() {}).model();
 * }
 * }</pre>
 *
 * <p>Each step draws z = {@code RandomState(seed).randn(1, z_dim)} per sample, renders anchor, positive and negative
 * with ψ and the same noise, embeds them, and takes one Adam step on the trained generator. The positive and negative
 * need no gradients, so the inference backend on the class path ({@link Generators}: ONNX Runtime) draws them, and the
 * encoder embeds both in one batch. A run writes checkpoints and {@link #resume resumes} from the newest one as if never
 * interrupted. Not thread-safe; {@link #cancel} may be called from any thread.
 */
public final class TripletFineTuner implements AutoCloseable {
  private final DjlGenerator trained;
  private final Generator positive;
  private final Generator negative;
  private final DifferentiableFaceEncoder encoder;
  private final FineTuneOptions options;
  private final AdamOptimizer adam;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private long step;
  private double epochLossSum;

  /** The outcome of {@link #run}. */
  public record Result(StyleGanModel model, List<Double> epochLosses, long steps, boolean cancelled) {}

  private TripletFineTuner(
      StyleGanModel trained, StyleGanModel positive, StyleGanModel negative, DifferentiableFaceEncoder encoder,
      FineTuneOptions options) {
    checkArgument(
        trained.config().equals(positive.config()) && trained.config().equals(negative.config()),
        "trained, positive and negative generators must share one configuration");
    options.frozenBlocks().forEach(r -> trained.plan().block(r)); // names the valid resolutions if r is not one
    this.options = options;
    this.encoder = encoder;
    this.adam = new AdamOptimizer(options.learningRate(), options.beta1(), options.beta2(), options.epsilon());
    List<Generator> opened = new ArrayList<>();
    try {
      opened.add(Generators.open(positive));
      opened.add(Generators.open(negative));
      this.trained = DjlGenerator.create(trained);
    } catch (RuntimeException e) {
      opened.forEach(Generator::close);
      throw e;
    }
    this.positive = opened.get(0);
    this.negative = opened.get(1);
    this.trained.setTraining(options.trackWAvg());
    List<String> frozen = new ArrayList<>();
    for (String name : this.trained.parameterNames()) {
      boolean mapping = name.startsWith("mapping.");
      boolean block = options.frozenBlocks().stream().anyMatch(r -> name.startsWith("synthesis.b" + r + "."));
      if ((mapping && options.freezeMapping()) || block) {
        frozen.add(name);
      }
    }
    freeze(this.trained, frozen);
  }

  /** A new run starting from {@code trained}'s weights. */
  public static TripletFineTuner create(
      StyleGanModel trained, StyleGanModel positive, StyleGanModel negative, DifferentiableFaceEncoder encoder,
      FineTuneOptions options) {
    return new TripletFineTuner(trained, positive, negative, encoder, options);
  }

  /**
   * Continues the run whose checkpoints are in {@code options.checkpointDir()} from its newest checkpoint (weights,
   * {@code w_avg}, optimiser state, step); starts from {@code trained} when there is none yet.
   */
  public static TripletFineTuner resume(
      StyleGanModel trained, StyleGanModel positive, StyleGanModel negative, DifferentiableFaceEncoder encoder,
      FineTuneOptions options) throws IOException {
    checkArgument(options.checkpointDir().isPresent(), "resuming needs a checkpoint directory");
    var checkpoint = FineTuneCheckpoint.latest(options.checkpointDir().get());
    if (checkpoint.isEmpty()) {
      return create(trained, positive, negative, encoder, options);
    }
    FineTuneCheckpoint c = checkpoint.get();
    TripletFineTuner tuner = new TripletFineTuner(c.model(), positive, negative, encoder, options);
    tuner.adam.restore(c.adam(), c.adamSteps(), tuner.trained.trainableTensors());
    tuner.step = c.step();
    tuner.epochLossSum = c.epochLossSum();
    return tuner;
  }

  /** Total optimiser steps of the run. */
  public long totalSteps() {
    return (long) options.epochs() * options.stepsPerEpoch();
  }

  /** Steps done so far (including those before a resume). */
  public long step() {
    return step;
  }

  /** Asks a running {@link #run} to stop after its current step (it then writes a checkpoint). */
  public void cancel() {
    cancelled.set(true);
  }

  /** Runs the remaining steps, reporting to {@code listener}; returns the trained weights. */
  public Result run(FineTuneListener listener) throws IOException {
    List<Double> epochLosses = new ArrayList<>();
    int perEpoch = options.stepsPerEpoch();
    while (step < totalSteps() && !cancelled.get()) {
      int epoch = (int) (step / perEpoch);
      FineTuneListener.Step stats = trainStep(epoch, (int) (step % perEpoch));
      step++;
      epochLossSum += stats.loss();
      listener.onStep(stats);
      if (step % perEpoch == 0) {
        double mean = epochLossSum / perEpoch;
        epochLosses.add(mean);
        epochLossSum = 0;
        listener.onEpoch(epoch, mean, preview());
      }
      if (options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0 && step < totalSteps()) {
        listener.onCheckpoint(checkpoint());
      }
    }
    if (options.checkpointDir().isPresent()) {
      listener.onCheckpoint(checkpoint());
    }
    return new Result(trained.toModel(), epochLosses, step, cancelled.get());
  }

  /** The trained weights as they are now. */
  public StyleGanModel model() {
    return trained.toModel();
  }

  private FineTuneListener.Step trainStep(int epoch, int batchIndex) {
    List<Long> seeds = options.seeds();
    List<Long> batch = seeds.subList(batchIndex * options.batchSize(),
        Math.min(seeds.size(), (batchIndex + 1) * options.batchSize()));
    Noise noise = Noise.of(options.noise(), options.noiseSeed() * 1_000_003L + step);
    Truncation truncation = options.truncation();
    Tensor latents = NumpyRandomState.latents(batch, trained.config().zDim());
    try (NDManager scope = trained.manager().newSubManager()) {
      NDArray z = DjlTensors.toNDArray(scope, latents);
      // Positive and negative need no gradients: render and embed them (one batch) before recording starts.
      Tensor positiveImages = positive.synthesis(positive.mapping(latents, null, truncation), noise);
      Tensor negativeImages = negative.synthesis(negative.mapping(latents, null, truncation), noise);
      NDArray embeddings = encoder.embed(DjlTensors.toNDArray(scope, Tensor.concat(positiveImages, negativeImages)));
      NDArray positiveEmbedding = embeddings.get("0:{}", batch.size());
      NDArray negativeEmbedding = embeddings.get("{}:", batch.size());
      TripletLoss.Result loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray anchor = trained.synthesis(trained.mapping(z, null, truncation), noise);
        loss = options.loss().compute(encoder.embed(anchor), positiveEmbedding, negativeEmbedding);
        collector.backward(loss.loss());
      }
      adam.step(trained.trainableTensors());
      trained.zeroGradients();
      return new FineTuneListener.Step(step, totalSteps(), epoch, loss.loss().getFloat(),
          loss.anchorPositive().mean().getFloat(), loss.anchorNegative().mean().getFloat());
    }
  }

  /** The preview seed drawn by the current weights with const noise, without touching {@code w_avg}. */
  private Tensor preview() {
    boolean training = trained.isTraining();
    trained.setTraining(false);
    try (NDManager scope = trained.manager().newSubManager()) {
      NDArray z = DjlTensors.toNDArray(scope, NumpyRandomState.latents(List.of(options.previewSeed()), trained.config().zDim()));
      return DjlTensors.toTensor(trained.synthesis(trained.mapping(z, null, options.truncation()), Noise.CONST));
    } finally {
      trained.setTraining(training);
    }
  }

  private java.nio.file.Path checkpoint() throws IOException {
    return new FineTuneCheckpoint(trained.toModel(), adam.state(), step, adam.steps(), epochLossSum)
        .write(options.checkpointDir().orElseThrow());
  }

  private static void freeze(DjlGenerator generator, List<String> names) {
    names.forEach(name -> generator.setRequiresGradient(name, false));
  }

  /** Closes the three generators (the encoder belongs to the caller). */
  @Override
  public void close() {
    trained.close();
    positive.close();
    negative.close();
  }
}
