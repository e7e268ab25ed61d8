package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A StyleGAN2-ADA generator on DJL's PyTorch engine, differentiable end to end: NVIDIA's {@code G.mapping} and
 * {@code G.synthesis} as NDArray functions whose gradients reach every parameter, for fine-tuning and projection.
 *
 * <pre>{@code
 * try (DjlGenerator g = DjlGenerator.create(model);
 *     NDManager step = g.manager().newSubManager();
 *     GradientCollector collector = step.getEngine().newGradientCollector()) {
 *   g.setTraining(true);
 *   NDArray ws = g.mapping(DjlTensors.toNDArray(step, z), null, Truncation.of(0.7));
 *   NDArray img = g.synthesis(ws, Noise.CONST);
 *   collector.backward(img.square().mean());
 *   NDArray grad = g.tensor("synthesis.b4.const").getGradient();
 * }
 * }</pre>
 *
 * <p>Results belong to the manager of the input they were computed from; every temporary of a call is freed when it
 * returns (autograd keeps what backward needs). The generator owns its weights: {@link #close} frees them. Gradients
 * accumulate across backward passes until {@link #zeroGradients}. Not thread-safe.
 */
public final class DjlGenerator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DjlGenerator.class);
  private static final String ENGINE = "PyTorch";

  private final StyleGanModel model;
  private final NDManager manager;
  private final Weights weights;
  private boolean training;
  private boolean warnedAboutLabels;

  private DjlGenerator(StyleGanModel model, NDManager manager, Weights weights) {
    this.model = model;
    this.manager = manager;
    this.weights = weights;
  }

  /** A generator on the CPU with a copy of the model's weights, in evaluation mode. */
  public static DjlGenerator create(StyleGanModel model) {
    return create(model, Device.cpu());
  }

  /** A generator on {@code device} with a copy of the model's weights, in evaluation mode. */
  public static DjlGenerator create(StyleGanModel model, Device device) {
    PyTorchThreads.applyDefaults();
    NDManager manager = NDManager.newBaseManager(device, ENGINE);
    try {
      return new DjlGenerator(model, manager, Weights.of(model, manager));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public GeneratorConfig config() {
    return model.config();
  }

  /** The manager that owns the weights; make inputs on it (or a sub-manager) to put them on the right device. */
  public NDManager manager() {
    return manager;
  }

  /** Whether {@link #mapping} updates {@code w_avg}, as NVIDIA's {@code G.train()}. */
  public boolean isTraining() {
    return training;
  }

  /**
   * Training mode makes every {@link #mapping} call first move {@code w_avg} towards the batch mean of w:
   * {@code w_avg = lerp(mean(w), w_avg, w_avg_beta)}; evaluation mode (the default) leaves it alone.
   */
  public void setTraining(boolean training) {
    this.training = training;
  }

  /**
   * The mapping network: z {@code [N, z_dim]} (and labels {@code [N, c_dim]} for conditional models, else null) to
   * ws {@code [N, num_ws, w_dim]}, truncated. Labels given to an unconditional model are ignored with a warning.
   */
  public NDArray mapping(NDArray z, NDArray labels, Truncation truncation) {
    checkOpen();
    GeneratorConfig config = config();
    Shape shape = z.getShape();
    checkArgument(
        shape.dimension() == 2 && shape.get(1) == config.zDim(), "z must be [N, %s], got %s", config.zDim(), shape);
    NDArray c = null;
    if (config.isConditional()) {
      checkArgument(labels != null, "this model is conditional (c_dim %s): give class labels", config.cDim());
      checkArgument(
          labels.getShape().equals(new Shape(shape.get(0), config.cDim())),
          "labels must be [%s, %s], got %s", shape.get(0), config.cDim(), labels.getShape());
      c = labels;
    } else if (labels != null && !warnedAboutLabels) {
      warnedAboutLabels = true;
      log.warn("labels given to an unconditional model are ignored");
    }
    try (NDManager scope = NDManager.subManagerOf(z)) {
      scope.tempAttachAll(c == null ? new NDArray[] {z} : new NDArray[] {z, c});
      weights.lendTo(scope);
      NDArray w = StyleGanOps.mapping(weights, model.plan(), z, c);
      NDArray wAvg = weights.get(LayerPlan.W_AVG);
      if (training) {
        // NVIDIA: w_avg.copy_(x.detach().mean(dim=0).lerp(w_avg, w_avg_beta)), in place.
        NDArray mean = w.stopGradient().mean(new int[] {0});
        wAvg.set(new NDIndex("..."), StyleGanOps.lerp(mean, wAvg, (float) config.mapping().wAvgBeta()));
      }
      NDArray ws = w.expandDims(1).tile(new long[] {1, config.numWs(), 1});
      return scope.ret(StyleGanOps.truncate(ws, wAvg, truncation));
    }
  }

  /** The synthesis network: ws {@code [N, num_ws, w_dim]} to images {@code [N, C, R, R]}, raw float (not clamped). */
  public NDArray synthesis(NDArray ws, Noise noise) {
    checkOpen();
    GeneratorConfig config = config();
    Shape shape = ws.getShape();
    checkArgument(
        shape.dimension() == 3 && shape.get(1) == config.numWs() && shape.get(2) == config.wDim(),
        "ws must be [N, %s, %s], got %s", config.numWs(), config.wDim(), shape);
    long n = shape.get(0);
    try (NDManager scope = NDManager.subManagerOf(ws)) {
      scope.tempAttachAll(ws);
      weights.lendTo(scope);
      Function<ModulatedConv, NDArray> noises = noise(noise, scope, n);
      NDArray x = null;
      NDArray img = null;
      for (SynthesisBlock block : model.plan().blocks()) {
        NDList out = StyleGanOps.block(weights, block, x, img, ws, noises);
        x = out.get(0);
        img = out.get(1);
      }
      return scope.ret(img);
    }
  }

  /**
   * The noise each conv adds: its {@code noise_const} buffer, none, or standard-normal {@code [N, 1, R, R]} drawn
   * layer by layer from {@code java.util.Random(seed)} (the same draws as the ONNX generator).
   */
  private Function<ModulatedConv, NDArray> noise(Noise noise, NDManager scope, long n) {
    return switch (noise.mode()) {
      case CONST -> layer -> weights.get(layer.noiseConst());
      case NONE -> layer -> null;
      case RANDOM -> {
        Random random = new Random(noise.seed());
        yield layer -> {
          int r = layer.resolution();
          float[] values = new float[Math.toIntExact(n * r * r)];
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
          }
          return DjlTensors.toNDArray(scope, Tensor.adopt(values, Math.toIntExact(n), 1, r, r));
        };
      }
    };
  }

  /** The names of NVIDIA's parameters ({@code G.named_parameters()}), in its order; buffers are not among them. */
  public List<String> parameterNames() {
    return weights.all().keySet().stream()
        .filter(name -> !Weights.isBuffer(name))
        .collect(ImmutableList.toImmutableList());
  }

  /** A parameter or buffer by its PyTorch name, live: optimisers update it in place. */
  public NDArray tensor(String name) {
    checkOpen();
    return weights.get(name);
  }

  /** The arrays themselves, for tests that run single blocks. */
  Weights weights() {
    return weights;
  }

  /** Every parameter or buffer that currently requires a gradient, in {@code state_dict} order. */
  public Map<String, NDArray> trainableTensors() {
    checkOpen();
    return weights.all().entrySet().stream()
        .filter(e -> e.getValue().hasGradient())
        .collect(ImmutableMap.toImmutableMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /**
   * Attaches or removes the gradient of a parameter or buffer. All parameters start with one; the projector turns them
   * off and turns on the {@code noise_const} buffers it optimises.
   */
  public void setRequiresGradient(String name, boolean requiresGradient) {
    tensor(name).setRequiresGradient(requiresGradient);
  }

  /** Sets the gradient of every trainable tensor to zero; DJL's PyTorch engine accumulates them otherwise. */
  public void zeroGradients() {
    try (NDManager scope = manager.newSubManager()) {
      for (NDArray array : trainableTensors().values()) {
        // Lent to the scope, the array hands it its gradient's handle and the zero that fills it; both die with it.
        scope.tempAttachAll(array);
        array.getGradient().set(new NDIndex("..."), 0);
      }
    }
  }

  /** The current weights as a model (for the ONNX generator, or to save), with the source model's provenance. */
  public StyleGanModel toModel() {
    checkOpen();
    return StyleGanModel.of(config(), weights.toTensors(), model.provenance());
  }

  private void checkOpen() {
    checkState(manager.isOpen(), "this generator is closed");
  }

  /** Frees the weights and everything else the generator's manager owns. */
  @Override
  public void close() {
    manager.close();
  }
}
