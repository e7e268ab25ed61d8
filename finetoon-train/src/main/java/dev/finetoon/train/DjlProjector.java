package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.finetoon.Noise;
import dev.finetoon.Projector;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.ProjectionSchedule;
import dev.finetoon.project.RefinementOptions;
import dev.finetoon.project.WStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NVIDIA's projector ({@code projector.py}; Fine-Tooning's {@code fine_toon_project.py} is the same) on DJL: finds the
 * w, and the noise maps, with which a generator redraws a target image. Starting at the mean w, Adam minimises the
 * LPIPS distance between target and rendering plus a penalty that keeps the noise maps noise-like, with a ramped
 * learning rate and w noise that fades out; the target's features are computed once per projection.
 *
 * <p>A session: the differentiable generator, the feature network and the w statistics are made once, when it opens,
 * and every projection reuses them. Each projection overwrites the generator's noise buffers with its own random
 * start, so projections are independent of one another. One at a time ({@code synchronized}).
 */
final class DjlProjector implements Projector {
  /** Images larger than this are area-downsampled before LPIPS, as NVIDIA's projector does. */
  private static final int LPIPS_SIZE = 256;

  /** How many sessions computed w statistics in this JVM (for tests of session reuse). */
  static final AtomicInteger STATISTICS_COMPUTED = new AtomicInteger();

  private final StyleGanModel model;
  private final ProjectionOptions options;
  private final FeatureNetwork lpips;
  private final DjlGenerator g;
  private final WStatistics stats;
  private final Map<String, NDArray> noise;

  /** Opens a session on {@code device}; it closes {@code lpips} when it closes. */
  DjlProjector(StyleGanModel model, ProjectionOptions options, FeatureNetwork lpips, ai.djl.Device device) {
    this.model = model;
    this.options = options;
    this.lpips = lpips;
    this.g = DjlGenerator.create(model, device);
    try {
      g.parameterNames().forEach(name -> g.setRequiresGradient(name, false));
      this.stats = statistics(g);
      this.noise = noiseBuffers(g);
      noise.values().forEach(buffer -> buffer.setRequiresGradient(true));
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  @Override
  public StyleGanModel model() {
    return model;
  }

  @Override
  public ProjectionOptions options() {
    return options;
  }

  /** Projects {@code target} ({@code [1, C, R, R]}, values 0–255, R the model's resolution). */
  @Override
  public synchronized Projection project(Tensor target, ProjectionListener listener) {
    GeneratorConfig config = model.config();
    checkTarget(target);
    ProjectionSchedule schedule = options.schedule();
    // PyTorch records gradients per thread, and DJL turns recording off only on the thread that starts its engine: on
    // any other thread (a server's, a Spark task's) the in-place updates of the noise buffers would be refused.
    JniUtils.setGradMode(false);
    // The moments of the noise buffers live on the session's manager: the optimiser frees them when the projection
    // ends, or a long-lived session would keep every projection's.
    try (NDManager projection = g.manager().newSubManager();
        AdamOptimizer adam = new AdamOptimizer(schedule.initialLearningRate(), 0.9, 0.999, 1e-8)) {
      Random random = new Random(options.seed());
      for (NDArray buffer : noise.values()) {
        buffer.set(new NDIndex("..."), DjlTensors.toNDArray(projection, gaussian(random, buffer)));
      }
      NDArray targetFeatures = lpips.features(lpipsInput(DjlTensors.toNDArray(projection, target)));
      NDArray w = DjlTensors.toNDArray(projection, stats.wAvg().reshape(1, 1, config.wDim()));
      w.setRequiresGradient(true);
      Map<String, NDArray> parameters = new LinkedHashMap<>();
      parameters.put("w", w);
      parameters.putAll(noise);
      List<Tensor> wPerStep = new ArrayList<>();
      List<Double> losses = new ArrayList<>();
      for (int step = 0; step < schedule.steps(); step++) {
        double distance;
        double loss;
        try (NDManager scope = g.manager().newSubManager()) {
          // Lent to the scope, the long-lived arrays put every temporary of the step there, to be freed with it.
          scope.tempAttachAll(w, targetFeatures);
          scope.tempAttachAll(noise.values().toArray(NDArray[]::new));
          NDArray wNoise = DjlTensors.toNDArray(scope, gaussian(random, w).reshape(1, 1, config.wDim()));
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray noisyW = w.add(wNoise.mul(Scalars.of(wNoise, schedule.wNoiseScale(step, stats.wStd()))));
            NDArray ws = noisyW.tile(new long[] {1, config.numWs(), 1});
            NDArray synth = g.synthesis(ws, Noise.CONST);
            NDArray dist = targetFeatures.sub(lpips.features(lpipsInput(toPixels(synth)))).square().sum();
            NDArray total =
                dist.add(NoiseRegularizer.loss(noise.values()).mul(Scalars.of(dist, options.noiseRegularization())));
            collector.backward(total);
            distance = dist.getFloat();
            loss = total.getFloat();
          }
        }
        adam.step(parameters, schedule.learningRate(step));
        zeroGradients(parameters, g.manager());
        NoiseRegularizer.normalize(noise.values());
        losses.add(loss);
        if (options.keepSteps() || step == schedule.steps() - 1) {
          wPerStep.add(DjlTensors.toTensor(w).reshape(config.wDim()));
        }
        if (!listener.onStep(step, schedule.steps(), distance, loss)) {
          break;
        }
      }
      Tensor finalW = DjlTensors.toTensor(w).reshape(config.wDim());
      Map<String, Tensor> tuned = new LinkedHashMap<>();
      noise.forEach((name, buffer) -> tuned.put(name, DjlTensors.toTensor(buffer)));
      return new Projection(repeat(finalW, config.numWs()), options.keepSteps() ? wPerStep : List.of(), losses, tuned);
    }
  }

  /**
   * Adam in W+ from {@code start} on the LPIPS distance, with the model's own noise maps; every W+ is measured before
   * it is stepped from, and the best one measured is returned (see {@link Projector#refine}).
   */
  @Override
  public synchronized Projection refine(Tensor target, Tensor start, RefinementOptions options,
      ProjectionListener listener) {
    GeneratorConfig config = model.config();
    checkTarget(target);
    checkArgument(start.rank() == 3 && start.dim(0) == 1 && start.dim(1) == config.numWs()
        && start.dim(2) == config.wDim(), "start must be [1, %s, %s] (W+), got %s", config.numWs(), config.wDim(),
        start);
    try (NDManager refinement = g.manager().newSubManager();
        AdamOptimizer adam = new AdamOptimizer(options.learningRate(), 0.9, 0.999, 1e-8)) {
      for (Map.Entry<String, NDArray> buffer : noise.entrySet()) {
        buffer.getValue().set(new NDIndex("..."), DjlTensors.toNDArray(refinement, model.tensor(buffer.getKey())));
      }
      NDArray targetFeatures = lpips.features(lpipsInput(DjlTensors.toNDArray(refinement, target)));
      NDArray ws = DjlTensors.toNDArray(refinement, start);
      ws.setRequiresGradient(true);
      Map<String, NDArray> parameters = Map.of("ws", ws);
      Map<String, NDArray> withGradients = new LinkedHashMap<>(noise);
      withGradients.put("ws", ws);
      Progress progress = new Progress(options);
      for (int step = 0; ; step++) {
        Tensor current = DjlTensors.toTensor(ws).reshape(config.numWs(), config.wDim());
        double distance;
        try (NDManager scope = g.manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          scope.tempAttachAll(ws, targetFeatures);
          scope.tempAttachAll(noise.values().toArray(NDArray[]::new));
          NDArray synth = g.synthesis(ws, Noise.CONST);
          NDArray dist = targetFeatures.sub(lpips.features(lpipsInput(toPixels(synth)))).square().sum();
          collector.backward(dist);
          distance = dist.getFloat();
        }
        progress.measured(current, distance);
        if (step == options.steps() || !listener.onStep(step, options.steps(), distance, distance)
            || progress.stalled()) {
          break;
        }
        adam.step(parameters, options.learningRate());
        zeroGradients(withGradients, g.manager());
      }
      zeroGradients(withGradients, g.manager());
      return progress.result();
    }
  }

  /** The distances measured, the W+ kept and the best so far, of one refinement. */
  private static final class Progress {
    private final RefinementOptions options;
    private final List<Double> distances = new ArrayList<>();
    private final List<Tensor> steps = new ArrayList<>();
    private Tensor best;
    private double bestDistance = Double.POSITIVE_INFINITY;
    private int sinceImprovement;

    Progress(RefinementOptions options) {
      this.options = options;
    }

    void measured(Tensor ws, double distance) {
      distances.add(distance);
      if (options.keepSteps()) {
        steps.add(ws);
      }
      sinceImprovement = distance < bestDistance * (1 - options.minImprovement()) ? 0 : sinceImprovement + 1;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = ws;
      }
    }

    boolean stalled() {
      return options.patience() > 0 && sinceImprovement >= options.patience();
    }

    Projection result() {
      return new Projection(best, steps, distances, Map.of());
    }
  }

  private void checkTarget(Tensor target) {
    GeneratorConfig config = model.config();
    int r = config.imgResolution();
    checkArgument(
        target.rank() == 4 && target.dim(0) == 1 && target.dim(1) == config.imgChannels() && target.dim(2) == r
            && target.dim(3) == r,
        "target must be [1, %s, %s, %s] (the model's resolution), got %s", config.imgChannels(), r, r, target);
  }

  /** The LPIPS distance between the target and the rendering of {@code ws} with the model's own const noise. */
  double distance(Tensor target, Tensor ws) {
    try (DjlGenerator g = DjlGenerator.create(model)) {
      NDArray t = lpips.features(lpipsInput(DjlTensors.toNDArray(g.manager(), target)));
      NDArray s = lpips.features(lpipsInput(toPixels(g.synthesis(DjlTensors.toNDArray(g.manager(), ws), Noise.CONST))));
      return t.sub(s).square().sum().getFloat();
    }
  }

  /** NVIDIA's noise regularisation of the model's own const noise buffers. */
  double noiseRegularization() {
    try (DjlGenerator g = DjlGenerator.create(model)) {
      return NoiseRegularizer.loss(noiseBuffers(g).values()).getFloat();
    }
  }

  private WStatistics statistics(DjlGenerator g) {
    STATISTICS_COMPUTED.incrementAndGet();
    return WStatistics.estimate(model.config(), z -> {
      try (NDManager scope = g.manager().newSubManager()) {
        return DjlTensors.toTensor(g.mapping(DjlTensors.toNDArray(scope, z), null, Truncation.NONE));
      }
    }, options.wAvgSamples(), WStatistics.SEED);
  }

  /** Generator output to the projector's pixel scale: {@code (img + 1) · 255/2}. */
  private static NDArray toPixels(NDArray images) {
    return images.add(Scalars.of(images, 1)).mul(Scalars.of(images, 255 / 2.0));
  }

  /** Images in [0, 255], area-downsampled to 256×256 when larger, as NVIDIA's projector feeds LPIPS. */
  private static NDArray lpipsInput(NDArray images) {
    long size = images.getShape().get(2);
    if (size <= LPIPS_SIZE) {
      return images;
    }
    long f = size / LPIPS_SIZE;
    long[] s = images.getShape().getShape();
    return images.reshape(s[0], s[1], LPIPS_SIZE, f, LPIPS_SIZE, f).mean(new int[] {5}).mean(new int[] {3});
  }

  /** The generator's live {@code noise_const} buffers by name. */
  private Map<String, NDArray> noiseBuffers(DjlGenerator g) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (SynthesisBlock block : model.plan().blocks()) {
      for (ModulatedConv layer : block.convs()) {
        if (layer.noise()) {
          out.put(layer.noiseConst(), g.tensor(layer.noiseConst()));
        }
      }
    }
    return out;
  }

  private static void zeroGradients(Map<String, NDArray> parameters, NDManager manager) {
    try (NDManager scope = manager.newSubManager()) {
      // The gradients' handles and the zero that fills them land in the scope (see DjlGenerator.zeroGradients).
      scope.tempAttachAll(parameters.values().toArray(NDArray[]::new));
      parameters.values().forEach(p -> p.getGradient().set(new NDIndex("..."), 0));
    }
  }

  private static Tensor gaussian(Random random, NDArray like) {
    float[] values = new float[Math.toIntExact(like.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return Tensor.adopt(
        values, java.util.Arrays.stream(like.getShape().getShape()).mapToInt(Math::toIntExact).toArray());
  }

  private static Tensor repeat(Tensor w, int times) {
    float[] out = new float[times * w.size()];
    float[] one = w.toArray();
    for (int i = 0; i < times; i++) {
      System.arraycopy(one, 0, out, i * one.length, one.length);
    }
    return Tensor.adopt(out, times, w.size());
  }

  @Override
  public void close() {
    try {
      g.close();
    } finally {
      lpips.close();
    }
  }
}
