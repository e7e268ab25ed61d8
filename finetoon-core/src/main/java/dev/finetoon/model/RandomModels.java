package dev.finetoon.model;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generators with deterministic random weights, initialised the way NVIDIA's networks are (standard-normal weights
 * scaled by {@code 1/lr_multiplier}, affine biases 1, other biases 0) plus small random noise strengths, biases and
 * {@code w_avg} so every path of the network matters. They stand in for real models in the demo, tests and benches:
 * their images are textures, not faces.
 *
 * <pre>{@code
 * StyleGanModel stand_in = RandomModels.create(GeneratorConfig.builder(512, 512, 256).build(), 1);
 * }</pre>
 */
public final class RandomModels {
  private RandomModels() {}

  /** A model of this configuration whose weights depend only on {@code seed}. */
  public static StyleGanModel create(GeneratorConfig config, long seed) {
    LayerPlan plan = LayerPlan.of(config);
    SplittableRandom random = new SplittableRandom(seed);
    float[] filter = plan.resampleFilter();
    int k = config.synthesis().resampleFilter().size();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : plan.tensorShapes().entrySet()) {
      String name = e.getKey();
      int[] shape = e.getValue();
      Tensor value;
      if (name.endsWith(".resample_filter")) {
        value = Tensor.of(filter, k, k);
      } else if (name.endsWith(".affine.bias")) {
        value = filled(shape, 1f, 0.1f, random);
      } else if (name.endsWith(".bias") || name.endsWith(".noise_strength") || name.equals(LayerPlan.W_AVG)) {
        value = filled(shape, 0f, 0.1f, random);
      } else if (name.startsWith("mapping.fc")) {
        value = filled(shape, 0f, (float) (1 / config.mapping().lrMultiplier()), random);
      } else {
        value = filled(shape, 0f, 1f, random);
      }
      tensors.put(name, value);
    }
    return StyleGanModel.of(
        config, tensors, ImmutableMap.of("source", "random(seed=" + seed + ")", "format", "random"));
  }

  private static Tensor filled(int[] shape, float mean, float std, SplittableRandom random) {
    float[] values = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = mean + std * (float) gaussian(random);
    }
    return Tensor.adopt(values, shape);
  }

  /** A standard normal sample (Box–Muller; SplittableRandom has no nextGaussian on Java 17). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
