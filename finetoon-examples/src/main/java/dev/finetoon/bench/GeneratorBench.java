package dev.finetoon.bench;

import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.onnx.OnnxGenerator;
import dev.finetoon.onnx.OnnxSession;
import dev.finetoon.onnx.SessionSettings;
import dev.finetoon.seed.NumpyRandomState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntConsumer;
import java.util.stream.LongStream;

/**
 * Times generation on a full-size random-weight 256² generator (the configuration of NVIDIA's ffhq-res256 transfer
 * source: z = w = 512, 8 mapping layers, channel_base 16384, channel_max 512, conv_clamp 256) at batch 1 and 8.
 * Prints img/s of finetoon's generator (one ONNX session per block), of the same network exported as one whole graph
 * (the baseline measured in the same run), the ratio to NVIDIA's stylegan2-ada-pytorch on this 2-core machine
 * (3.0 img/s at batch 1, 2.2 at batch 8, measured with NVIDIA's code), and peak resident memory.
 *
 * <pre>
 * java -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.GeneratorBench [seconds per row]
 * </pre>
 */
public final class GeneratorBench {
  private static final double NVIDIA_BATCH1 = 3.0;
  private static final double NVIDIA_BATCH8 = 2.2;

  private GeneratorBench() {}

  /** The ffhq-res256 generator's configuration. */
  static GeneratorConfig ffhq256() {
    return GeneratorConfig.builder(512, 512, 256)
        .mapping(MappingConfig.defaults(512, 0))
        .synthesis(
            new SynthesisConfig(16384, 512, 4, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
    StyleGanModel model = RandomModels.create(ffhq256(), 1);
    System.out.printf("model: random-weight 256² StyleGAN2-ADA (z=w=512, 8 mapping layers, channel_base 16384), "
        + "%d cores, %.0f s per row%n", Runtime.getRuntime().availableProcessors(), seconds);
    Path exported = Files.createTempDirectory("finetoon-bench");
    OnnxGenerator.export(model, exported);
    System.out.printf("%-6s %-18s %-22s %-16s %-12s %-13s%n",
        "batch", "finetoon img/s", "whole-graph img/s", "vs whole graph", "vs NVIDIA", "peak RSS MiB");
    try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults());
        OnnxSession whole = OnnxSession.open(exported.resolve("generator.onnx"), SessionSettings.defaults())) {
      for (int batch : new int[] {1, 8}) {
        List<Long> seeds = LongStream.range(0, batch).boxed().toList();
        Tensor z = NumpyRandomState.latents(seeds, 512);
        double ours =
            imagesPerSecond(batch, seconds, n -> g.synthesis(g.mapping(z, null, Truncation.of(0.7)), Noise.CONST));
        Map<String, Tensor> inputs = wholeGraphInputs(model, z);
        double baseline = imagesPerSecond(batch, seconds, n -> whole.run(inputs));
        double nvidia = batch == 1 ? NVIDIA_BATCH1 : NVIDIA_BATCH8;
        System.out.printf("%-6d %-18.2f %-22.2f %-16s %-12s %-13d%n", batch, ours, baseline,
            String.format("%.2fx", ours / baseline), String.format("%.2fx", ours / nvidia), PeakMemory.peakMiB());
      }
    } finally {
      try (var files = Files.list(exported)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(exported);
    }
  }

  /** The exported graph's inputs for these latents: ψ 0.7 on every w, the model's const noise. */
  private static Map<String, Tensor> wholeGraphInputs(StyleGanModel model, Tensor z) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("z", z);
    inputs.put("truncation_psi", Tensor.of(new float[] {0.7f}, 1));
    inputs.put("truncation_cutoff", Tensor.of(new float[] {model.config().numWs()}, 1));
    for (SynthesisBlock block : model.plan().blocks()) {
      for (ModulatedConv layer : block.convs()) {
        int r = layer.resolution();
        inputs.put(OnnxGenerator.exportedNoiseInput(layer), model.tensor(layer.noiseConst()).reshape(1, 1, r, r));
      }
    }
    return inputs;
  }

  /** Runs {@code call} (one batch) after one warm-up for about {@code seconds}; returns images per second. */
  private static double imagesPerSecond(int batch, double seconds, IntConsumer call) {
    call.accept(batch);
    long start = System.nanoTime();
    int images = 0;
    while (System.nanoTime() - start < seconds * 1e9) {
      call.accept(batch);
      images += batch;
    }
    return images / ((System.nanoTime() - start) / 1e9);
  }
}
