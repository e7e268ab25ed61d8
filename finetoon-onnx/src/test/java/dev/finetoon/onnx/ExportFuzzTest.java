package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import com.google.common.collect.ImmutableMap;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.finetoon.Tensor;
import dev.finetoon.fuzz.FuzzHarness;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export round trips over random generator configurations and weights. Every field of a configuration is usually a
 * small valid value and sometimes one out of range; the weights are sometimes NaN, infinite or huge. Each recipe is
 * either refused while the model is built ({@link IllegalArgumentException}) or exported as {@code .onnx} files whose
 * whole generator ONNX Runtime loads and runs once, giving an image of the configured size. Only files finetoon wrote
 * go to ONNX Runtime: a corrupt model could crash the native code and the JVM with it. {@code finetoon.fuzz.iterations}
 * / 40 recipes (50 by default), as each costs an export and a session.
 */
class ExportFuzzTest {
  @TempDir Path dir;

  /** The raw values of one configuration, weight corruption included; built only inside the harness. */
  record Recipe(
      int zDim, int cDim, int wDim, int resolution, int imgChannels, int numLayers, int embedFeatures,
      int layerFeatures, double lrMultiplier, int channelBase, int channelMax, int numFp16Res, OptionalDouble clamp,
      String architecture, List<Double> filter, boolean noise, int corruptTensor, float corruptValue, long seed) {

    StyleGanModel build() {
      GeneratorConfig config =
          GeneratorConfig.builder(zDim, wDim, resolution)
              .cDim(cDim)
              .imgChannels(imgChannels)
              .mapping(new MappingConfig(numLayers, embedFeatures, layerFeatures, lrMultiplier, 0.995))
              .synthesis(new SynthesisConfig(channelBase, channelMax, numFp16Res, clamp, architecture, filter, noise))
              .build();
      StyleGanModel model = RandomModels.create(config, seed);
      if (corruptTensor < 0) {
        return model;
      }
      List<Map.Entry<String, Tensor>> tensors = List.copyOf(model.tensors().entrySet());
      Map.Entry<String, Tensor> victim = tensors.get(corruptTensor % tensors.size());
      float[] values = new float[victim.getValue().size()];
      Arrays.fill(values, corruptValue);
      return model.withTensors(
          ImmutableMap.of(victim.getKey(), Tensor.of(values, victim.getValue().shape())), model.provenance());
    }
  }

  @Test
  void everyRecipeIsRefusedOrExportsAGeneratorThatOnnxRuntimeRuns() {
    FuzzHarness harness = FuzzHarness.of("export", IllegalArgumentException.class).cpuLimit(10);
    long seed = harness.seed();
    harness.run(
        Math.max(1, FuzzHarness.iterations() / 40),
        i -> {
          Recipe recipe = recipe(new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + i), i);
          return new FuzzHarness.Case(
              recipe.toString(), recipe.toString().getBytes(StandardCharsets.UTF_8), () -> roundTrip(recipe, i));
        });
  }

  private void roundTrip(Recipe recipe, int i) throws Exception {
    StyleGanModel model = recipe.build();
    Path out = Files.createDirectories(dir.resolve("export" + i));
    try {
      OnnxGenerator.export(model, out);
      try (OnnxSession session = OnnxSession.open(out.resolve("generator.onnx"), SessionSettings.defaults())) {
        SplittableRandom random = new SplittableRandom(i);
        Map<String, Tensor> inputs = new HashMap<>();
        for (Map.Entry<String, NodeInfo> input : session.ortSession().getInputInfo().entrySet()) {
          int[] shape =
              Arrays.stream(((TensorInfo) input.getValue().getInfo()).getShape()).mapToInt(d -> d < 0 ? 1 : (int) d)
                  .toArray();
          float[] values = new float[Tensor.checkedSize(shape)];
          for (int v = 0; v < values.length; v++) {
            values[v] = switch (input.getKey()) {
              case StyleGanGraphs.PSI -> 0.7f;
              case StyleGanGraphs.CUTOFF -> random.nextInt(model.config().numWs() + 1);
              default -> (float) random.nextDouble(-2, 2);
            };
          }
          inputs.put(input.getKey(), Tensor.of(values, shape));
        }
        GeneratorConfig c = model.config();
        assertThat(session.run(inputs).get(StyleGanGraphs.IMG).shape())
            .containsExactly(1, c.imgChannels(), c.imgResolution(), c.imgResolution());
      }
    } finally {
      MoreFiles.deleteRecursively(out, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /** Mostly small valid values; each field out of range about one time in 24, so about half the recipes are valid. */
  private static Recipe recipe(SplittableRandom r, long seed) {
    return new Recipe(
        pick(r, new Integer[] {1, 2, 3, 5}, new Integer[] {0, -1}),
        r.nextInt(4) == 0 ? pick(r, new Integer[] {1, 3}, new Integer[] {-1}) : 0,
        pick(r, new Integer[] {1, 2, 4, 6}, new Integer[] {0, -3}),
        pick(r, new Integer[] {4, 8, 16}, new Integer[] {0, 2, 6, 12, -8, 1 << 30, Integer.MIN_VALUE}),
        pick(r, new Integer[] {1, 3, 4}, new Integer[] {0, -1}),
        pick(r, new Integer[] {1, 2, 3}, new Integer[] {0, -2}),
        pick(r, new Integer[] {1, 2, 5}, new Integer[] {0, -1}),
        pick(r, new Integer[] {1, 3, 4}, new Integer[] {0}),
        pick(r, new Double[] {0.01, 0.1, 1.0}, new Double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, 1e-300}),
        pick(r, new Integer[] {32, 64, 128}, new Integer[] {0, -32, 1, 3, Integer.MAX_VALUE}),
        pick(r, new Integer[] {1, 2, 4, 8}, new Integer[] {0, -1, Integer.MAX_VALUE}),
        pick(r, new Integer[] {0, 1, 2}, new Integer[] {-1, Integer.MAX_VALUE}),
        pick(
            r, new OptionalDouble[] {OptionalDouble.empty(), OptionalDouble.of(256), OptionalDouble.of(0.5)},
            new OptionalDouble[] {OptionalDouble.of(0), OptionalDouble.of(-1), OptionalDouble.of(Double.NaN)}),
        pick(r, new String[] {"skip"}, new String[] {"resnet", "orig", ""}),
        pick(
            r, new List<?>[] {List.of(1.0, 3.0, 3.0, 1.0), List.of(1.0, 2.0, 2.0, 1.0)},
            new List<?>[] {List.of(), List.of(1.0), List.of(1.0, 2.0, 1.0), List.of(1.0, Double.NaN, 1.0, 1.0),
                List.of(1.0, -1.0, -1.0, 1.0)}),
        r.nextBoolean(),
        r.nextInt(3) == 0 ? r.nextInt(1000) : -1,
        new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, 0, -0f}[r.nextInt(6)],
        seed);
  }

  @SuppressWarnings("unchecked")
  private static <T> T pick(SplittableRandom r, Object[] valid, Object[] invalid) {
    Object[] from = r.nextInt(24) == 0 ? invalid : valid;
    return (T) from[r.nextInt(from.length)];
  }
}
