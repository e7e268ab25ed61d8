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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntConsumer;
import java.util.stream.LongStream;

/**
 * Times generation on a full-size random-weight generator at batch 1 and 8: 256² is the configuration of NVIDIA's
 * ffhq-res256 transfer source (z = w = 512, 8 mapping layers, channel_base 16384, channel_max 512, conv_clamp 256),
 * 1024² is config-f (channel_base 32768, 18 ws). For each batch size it alternates NVIDIA's stylegan2-ada-pytorch
 * ({@link NvidiaBaseline}, when set up) and finetoon's generator (one ONNX session per block) for {@code --rounds}
 * rounds, A B A B, and prints medians with min–max, the ratio of each pair, and the peak resident memory of both
 * (finetoon's is the JVM's peak so far: run {@code --batches 1} alone for the batch-1 peak). {@code --whole-graph}
 * adds the same network exported as one ONNX graph, timed in the same run.
 *
 * <pre>
 * java -Xmx2g -Dnvidia.sg2ada=/tmp/sg2ada -Dnvidia.pkl=/tmp/paper1024.pkl \
 *     -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.GeneratorBench --resolution 1024 --seconds 20
 * </pre>
 */
public final class GeneratorBench {
  private GeneratorBench() {}

  /** The ffhq-res256 generator's configuration. */
  static GeneratorConfig ffhq256() {
    return config(256, 16384);
  }

  /** config-f at 1024², as NVIDIA's 1024² FFHQ generators and {@code make_model.py ... 1024}. */
  static GeneratorConfig configF1024() {
    return config(1024, 32768);
  }

  private static GeneratorConfig config(int resolution, int channelBase) {
    return GeneratorConfig.builder(512, 512, resolution)
        .mapping(MappingConfig.defaults(512, 0))
        .synthesis(new SynthesisConfig(
            channelBase, 512, 4, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  /**
   * The command line: {@code --resolution 256|1024}, {@code --seconds} per finetoon row, {@code --rounds},
   * {@code --batches 1,8}, {@code --threads} and {@code --nvidia-repeats} for NVIDIA's runs, {@code --whole-graph}.
   */
  private record Options(int resolution, double seconds, int rounds, int threads, int nvidiaRepeats,
      List<Integer> batches, boolean wholeGraph) {
    static Options parse(String[] args) {
      Map<String, String> values = new LinkedHashMap<>();
      boolean whole = false;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--whole-graph")) {
          whole = true;
        } else if (args[i].startsWith("--") && i + 1 < args.length) {
          values.put(args[i].substring(2), args[++i]);
        } else {
          throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      return new Options(Integer.parseInt(values.getOrDefault("resolution", "256")),
          Double.parseDouble(values.getOrDefault("seconds", "20")),
          Integer.parseInt(values.getOrDefault("rounds", "2")),
          Integer.parseInt(values.getOrDefault("threads", "2")),
          Integer.parseInt(values.getOrDefault("nvidia-repeats", "3")),
          Arrays.stream(values.getOrDefault("batches", "1,8").split(",")).map(Integer::valueOf).toList(), whole);
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    GeneratorConfig config = switch (options.resolution()) {
      case 256 -> ffhq256();
      case 1024 -> configF1024();
      default -> throw new IllegalArgumentException("--resolution must be 256 or 1024");
    };
    StyleGanModel model = RandomModels.create(config, 1);
    System.out.printf("model: random-weight %d² StyleGAN2-ADA (z=w=512, 8 mapping layers, channel_base %d, %d ws), "
            + "%d cores, %.0f s per finetoon row, %d rounds A B A B%n", options.resolution(),
        config.synthesis().channelBase(), config.numWs(), Runtime.getRuntime().availableProcessors(),
        options.seconds(), options.rounds());
    Optional<NvidiaBaseline> nvidia = NvidiaBaseline.configured();
    nvidia.ifPresent(n -> System.out.println("NVIDIA baseline: " + n + ", " + options.threads() + " threads, "
        + options.nvidiaRepeats() + " timed batches per run"));
    Path exported = options.wholeGraph() ? Files.createTempDirectory("finetoon-bench") : null;
    if (exported != null) {
      OnnxGenerator.export(model, exported);
    }
    System.out.printf("%-6s %-24s %-24s %-26s %-14s %-14s %s%n", "batch", "finetoon img/s", "NVIDIA img/s",
        "finetoon/NVIDIA (pairs)", "finetoon MiB", "NVIDIA MiB", exported != null ? "whole-graph img/s" : "");
    try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults());
        OnnxSession whole = exported != null
            ? OnnxSession.open(exported.resolve("generator.onnx"), SessionSettings.defaults()) : null) {
      for (int batch : options.batches()) {
        List<Long> seeds = LongStream.range(0, batch).boxed().toList();
        Tensor z = NumpyRandomState.latents(seeds, 512);
        Rates ours = new Rates();
        Rates theirs = new Rates();
        long theirPeakMiB = -1;
        for (int round = 0; round < options.rounds(); round++) {
          if (nvidia.isPresent()) {
            NvidiaBaseline.Run run = nvidia.get().generate(batch, options.nvidiaRepeats(), options.threads());
            theirs.add(run.rate());
            theirPeakMiB = Math.max(theirPeakMiB, run.peakMiB());
          }
          ours.add(imagesPerSecond(batch, options.seconds(),
              n -> g.synthesis(g.mapping(z, null, Truncation.of(0.7)), Noise.CONST)));
        }
        String wholeRate = "";
        if (whole != null) {
          Map<String, Tensor> inputs = wholeGraphInputs(model, z);
          wholeRate = String.format("%.2f", imagesPerSecond(batch, options.seconds(), n -> whole.run(inputs)));
        }
        System.out.printf("%-6d %-24s %-24s %-26s %-14d %-14s %s%n", batch, ours.summary(),
            nvidia.isPresent() ? theirs.summary() : "not set up", Rates.ratios(ours, theirs),
            PeakMemory.peakMiB(), nvidia.isPresent() ? Long.toString(theirPeakMiB) : "-", wholeRate);
      }
    } finally {
      if (exported != null) {
        try (var files = Files.list(exported)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(exported);
      }
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
