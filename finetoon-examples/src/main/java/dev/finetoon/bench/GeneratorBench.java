package dev.finetoon.bench;

import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.onnx.OnnxGenerator;
import dev.finetoon.onnx.SessionSettings;
import dev.finetoon.seed.NumpyRandomState;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.LongStream;

/**
 * Times generation on a full-size random-weight 256² generator (the configuration of NVIDIA's ffhq-res256 transfer
 * source: z = w = 512, 8 mapping layers, channel_base 16384, channel_max 512, conv_clamp 256) at batch 1 and 8 and
 * prints img/s, the ratio to NVIDIA's stylegan2-ada-pytorch on this 2-core machine (3.0 img/s at batch 1, 2.2 at
 * batch 8, measured with NVIDIA's code), and peak resident memory.
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
        .synthesis(new SynthesisConfig(16384, 512, 4, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
    StyleGanModel model = RandomModels.create(ffhq256(), 1);
    System.out.printf("model: random-weight 256² StyleGAN2-ADA (z=w=512, 8 mapping layers, channel_base 16384), "
        + "%d cores, %.0f s per row%n", Runtime.getRuntime().availableProcessors(), seconds);
    List<String[]> rows = new ArrayList<>();
    try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults())) {
      for (int batch : new int[] {1, 8}) {
        double rate = imagesPerSecond(g, batch, seconds);
        double nvidia = batch == 1 ? NVIDIA_BATCH1 : NVIDIA_BATCH8;
        rows.add(new String[] {
          String.valueOf(batch), String.format("%.2f", rate), String.format("%.1f", nvidia),
          String.format("%.2fx", rate / nvidia), String.valueOf(PeakMemory.peakMiB())});
      }
    }
    System.out.printf("%-6s %-10s %-14s %-10s %-14s%n", "batch", "img/s", "NVIDIA img/s", "ratio", "peak RSS MiB");
    for (String[] r : rows) {
      System.out.printf("%-6s %-10s %-14s %-10s %-14s%n", (Object[]) r);
    }
  }

  private static double imagesPerSecond(OnnxGenerator g, int batch, double seconds) {
    List<Long> seeds = LongStream.range(0, batch).boxed().toList();
    Tensor ws = g.mapping(NumpyRandomState.latents(seeds, 512), null, Truncation.of(0.7));
    g.synthesis(ws, Noise.CONST); // warm-up
    long start = System.nanoTime();
    int images = 0;
    while (System.nanoTime() - start < seconds * 1e9) {
      g.synthesis(g.mapping(NumpyRandomState.latents(seeds, 512), null, Truncation.of(0.7)), Noise.CONST);
      images += batch;
    }
    return images / ((System.nanoTime() - start) / 1e9);
  }
}
