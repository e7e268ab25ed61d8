package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.FinetoonException;
import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.NumpyRandomState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fine-Tooning's fine-tune on DJL: a triplet loss on face embeddings pulls the blended model's faces toward the human
 * model's identity (the positive) and away from a more toon-like blend (the negative), seed by seed.
 *
 * <p>Each step draws z = {@code RandomState(seed).randn(1, z_dim)} per sample, renders anchor, positive and negative
 * with ψ and the same noise, embeds them, and takes one Adam step on the trained generator. The positive and negative
 * need no gradients, so the inference backend on the class path ({@link Generators}: ONNX Runtime) draws them, and the
 * encoder embeds both in one batch. A run writes checkpoints and resumes from the newest one as if never interrupted.
 */
final class DjlTripletFineTuner implements TripletFineTuner {
  private final DjlGenerator trained;
  private final Generator positive;
  private final Generator negative;
  private final DifferentiableFaceEncoder encoder;
  private final AutoCloseable ownedEncoder;
  private final FineTuneOptions options;
  private final AdamOptimizer adam;
  private long step;
  private double epochLossSum;

  /**
   * A new run starting from {@code trained}'s weights on {@code device}; closes {@code ownedEncoder} (null: none) with
   * itself, also when opening fails.
   */
  DjlTripletFineTuner(
      StyleGanModel trained, StyleGanModel positive, StyleGanModel negative, DifferentiableFaceEncoder encoder,
      AutoCloseable ownedEncoder, FineTuneOptions options, ai.djl.Device device) {
    this.options = options;
    this.encoder = encoder;
    this.ownedEncoder = ownedEncoder;
    this.adam = new AdamOptimizer(options.learningRate(), options.beta1(), options.beta2(), options.epsilon());
    List<AutoCloseable> opened = new ArrayList<>();
    if (ownedEncoder != null) {
      opened.add(ownedEncoder);
    }
    try {
      if (!trained.config().equals(positive.config()) || !trained.config().equals(negative.config())) {
        throw new IncompatibleModelsException(
            "the trained, positive and negative generators must share one configuration");
      }
      options.frozenBlocks().forEach(r -> trained.plan().block(r)); // names the valid resolutions if r is not one
      this.positive = Generators.open(positive);
      opened.add(this.positive);
      this.negative = Generators.open(negative);
      opened.add(this.negative);
      this.trained = DjlGenerator.create(trained, device);
    } catch (RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
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

  /**
   * Continues the run whose checkpoints are in {@code options.checkpointDir()} from its newest checkpoint (weights,
   * {@code w_avg}, optimiser state, step); starts from {@code trained} when there is none yet.
   */
  static DjlTripletFineTuner resume(
      StyleGanModel trained, StyleGanModel positive, StyleGanModel negative, DifferentiableFaceEncoder encoder,
      AutoCloseable ownedEncoder, FineTuneOptions options, ai.djl.Device device) throws IOException {
    checkArgument(options.checkpointDir().isPresent(), "resuming needs a checkpoint directory");
    Optional<FineTuneCheckpoint> checkpoint;
    try {
      checkpoint = FineTuneCheckpoint.latest(options.checkpointDir().get());
    } catch (IOException | RuntimeException e) {
      closeAll(ownedEncoder == null ? List.of() : List.of(ownedEncoder), e);
      throw e;
    }
    if (checkpoint.isEmpty()) {
      return new DjlTripletFineTuner(trained, positive, negative, encoder, ownedEncoder, options, device);
    }
    FineTuneCheckpoint c = checkpoint.get();
    DjlTripletFineTuner tuner =
        new DjlTripletFineTuner(c.model(), positive, negative, encoder, ownedEncoder, options, device);
    tuner.adam.restore(c.adam(), c.adamSteps(), tuner.trained.trainableTensors());
    tuner.step = c.step();
    tuner.epochLossSum = c.epochLossSum();
    return tuner;
  }

  @Override
  public long totalSteps() {
    return (long) options.epochs() * options.stepsPerEpoch();
  }

  @Override
  public long step() {
    return step;
  }

  @Override
  public Result run(FineTuneListener listener) throws IOException {
    List<Double> epochLosses = new ArrayList<>();
    int perEpoch = options.stepsPerEpoch();
    boolean cancelled = false;
    while (step < totalSteps() && !cancelled) {
      int epoch = (int) (step / perEpoch);
      FineTuneListener.Step stats = trainStep(epoch, (int) (step % perEpoch));
      step++;
      epochLossSum += stats.loss();
      cancelled = !listener.onStep(stats);
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
    return new Result(trained.toModel(), epochLosses, step, cancelled);
  }

  @Override
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
      TripletLossFunction.Result loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray anchor = trained.synthesis(trained.mapping(z, null, truncation), noise);
        loss = TripletLossFunction.compute(options.loss(), encoder.embed(anchor), positiveEmbedding, negativeEmbedding);
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
      NDArray z = DjlTensors.toNDArray(
          scope, NumpyRandomState.latents(List.of(options.previewSeed()), trained.config().zDim()));
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

  /** Closes the three generators and the encoder this session opened (one given by the caller stays open). */
  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>(List.of(trained, positive, negative));
    if (ownedEncoder != null) {
      all.add(ownedEncoder);
    }
    FinetoonException failure = new FinetoonException("could not close the fine-tune session");
    closeAll(all, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  /** Closes each of {@code resources}, adding any failure to {@code into}. */
  private static void closeAll(List<AutoCloseable> resources, Throwable into) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        into.addSuppressed(e);
      }
    }
  }
}
