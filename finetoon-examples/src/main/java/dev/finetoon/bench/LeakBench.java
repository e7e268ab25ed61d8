package dev.finetoon.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetoon.Device;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Projector;
import dev.finetoon.Tensor;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.Truncation;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.onnx.OnnxGenerator;
import dev.finetoon.onnx.SessionSettings;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.train.DifferentiableFaceEncoder;
import dev.finetoon.train.DjlGenerator;
import dev.finetoon.train.DjlProjectorBackend;
import dev.finetoon.train.DjlTensors;
import dev.finetoon.train.FeatureNetwork;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Checks that native memory stays flat under long use: many generations on one ONNX generator, many open/generate/close
 * cycles of ONNX generators (a model and a blend sharing its sessions), many fine-tuning steps (DJL forward and
 * backward, Adam), many projections in one projector session and many DJL generator lifecycles, all on a small
 * random-weight 64² generator. At every checkpoint it collects the Java heap and prints the resident set size (VmRSS)
 * and the heap used; the table gives the growth
 * from the first checkpoint (after a tenth of the calls) to the last, and the rate over the second half alone, which a
 * one-off rise while allocators warm up does not reach but a leak does. Run it with a fixed, pre-touched heap, so that
 * neither heap growth nor the collector touching fresh heap pages passes for native growth:
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.LeakBench [scale]
 * </pre>
 *
 * <p>{@code scale} (default 1) multiplies every phase's number of calls.
 */
public final class LeakBench {
  private static final int Z = 128;

  private LeakBench() {}

  /** A small generator: z = w = 128, two mapping layers, 64², 128 channels at most. */
  private static GeneratorConfig small() {
    return GeneratorConfig.builder(Z, Z, 64)
        .mapping(MappingConfig.defaults(Z, 0).withNumLayers(2))
        .synthesis(new SynthesisConfig(2048, 128, 0, OptionalDouble.of(256), SynthesisConfig.SKIP,
            List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  /** RSS and heap at checkpoints of one phase. */
  private static final class Phase {
    final String name;
    final List<long[]> samples = new ArrayList<>(); // {calls, rss MiB, heap MiB}
    final long start = System.nanoTime();

    Phase(String name) {
      this.name = name;
    }

    void sample(long calls) {
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
      long rss = PeakMemory.currentMiB();
      samples.add(new long[] {calls, rss, heap});
      System.out.printf("%-22s %7d calls   RSS %5d MiB   heap %4d MiB   %5.0f s%n", name, calls, rss, heap,
          (System.nanoTime() - start) / 1e9);
    }

    String[] row() {
      long[] first = samples.get(0);
      long[] middle = samples.get(samples.size() / 2 - 1);
      long[] last = samples.get(samples.size() - 1);
      return new String[] {
        name, String.valueOf(last[0]), first[1] + " → " + last[1], String.valueOf(last[1] - first[1]),
        perThousand(first, last), perThousand(middle, last), first[2] + " → " + last[2]};
    }

    private static String perThousand(long[] from, long[] to) {
      return String.format("%.2f", (to[1] - from[1]) * 1000.0 / (to[0] - from[0]));
    }
  }

  public static void main(String[] args) throws IOException {
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    StyleGanModel base = RandomModels.create(small(), 1);
    StyleGanModel toon = RandomModels.create(small(), 2);
    System.out.printf("model: random-weight 64² generator (z=w=128), batch 1, %d cores, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    List<Phase> phases = List.of(
        onnxGenerations(base, (int) (10_000 * scale)),
        onnxOpenClose(base, LayerBlender.swap(base, toon, 32, 64), (int) (1_000 * scale)),
        fineTuneSteps(base, toon, (int) (1_000 * scale)),
        projections(base, (int) (1_000 * scale)),
        djlOpenClose(base, (int) (1_000 * scale)));
    String format = "%-22s %-7s %-14s %-12s %-18s %-22s %-10s%n";
    System.out.printf("%n" + format, "phase", "calls", "RSS MiB", "growth MiB", "MiB / 1000 calls",
        "2nd half MiB / 1000", "heap MiB");
    for (Phase p : phases) {
      System.out.printf(format, (Object[]) p.row());
    }
  }

  /** Mapping and synthesis on one generator, cycling through const, no and random noise. */
  private static Phase onnxGenerations(StyleGanModel model, int calls) {
    Phase phase = new Phase("onnx generate");
    try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults())) {
      for (int i = 1; i <= calls; i++) {
        generate(g, i);
        if (i % (calls / 10) == 0) {
          phase.sample(i);
        }
      }
    }
    return phase;
  }

  /** Opens the model and a blend that shares most of its sessions, generates with both, and closes both. */
  private static Phase onnxOpenClose(StyleGanModel model, StyleGanModel blend, int cycles) {
    Phase phase = new Phase("onnx open/close");
    for (int i = 1; i <= cycles; i++) {
      OnnxGenerator first = OnnxGenerator.open(model, SessionSettings.defaults());
      OnnxGenerator second = OnnxGenerator.open(blend, SessionSettings.defaults());
      generate(first, i);
      generate(second, i);
      // Alternate which closes first, so that shared sessions outlive either generator.
      (i % 2 == 0 ? first : second).close();
      (i % 2 == 0 ? second : first).close();
      if (i % (cycles / 10) == 0) {
        phase.sample(i);
      }
    }
    return phase;
  }

  private static void generate(OnnxGenerator g, long seed) {
    Tensor ws = g.mapping(NumpyRandomState.latents(List.of(seed), Z), null, Truncation.of(0.7));
    Noise noise = switch ((int) (seed % 3)) {
      case 0 -> Noise.CONST;
      case 1 -> Noise.NONE;
      default -> Noise.random(seed);
    };
    g.synthesis(ws, noise);
  }

  /** Triplet fine-tuning steps: three DJL forwards, a backward and an Adam step each, random noise, w_avg tracking. */
  private static Phase fineTuneSteps(StyleGanModel base, StyleGanModel toon, int steps) throws IOException {
    Phase phase = new Phase("djl fine-tune steps");
    FineTuneOptions options = FineTuneOptions.builder()
        .seeds(FineTuneOptions.sampleSeeds(steps / 10, 10_000, 0))
        .epochs(10)
        .learningRate(1e-3)
        .build();
    try (DifferentiableFaceEncoder encoder = new FlatteningEncoder();
        TripletFineTuner tuner = TripletFineTuner.builder().base(base).donor(toon).blocks(64).encoder(encoder)
            .options(options).device(Device.cpu()).build()) {
      tuner.run(step -> {
        if ((step.step() + 1) % (steps / 10) == 0) {
          phase.sample(step.step() + 1);
        }
        return true;
      });
    }
    return phase;
  }

  /** One-step projections in one projector session, as a Toonifier kept open by a host app makes them. */
  private static Phase projections(StyleGanModel model, int projections) {
    Phase phase = new Phase("djl projector session");
    float[] pixels = new float[3 * 64 * 64];
    java.util.Arrays.fill(pixels, 128);
    Tensor target = Tensor.adopt(pixels, 1, 3, 64, 64);
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(1);
    try (Projector projector = DjlProjectorBackend.open(model, options, new FlatteningFeatures(), Device.cpu())) {
      for (int i = 1; i <= projections; i++) {
        projector.project(target, (step, steps, distance, loss) -> true);
        if (i % (projections / 10) == 0) {
          phase.sample(i);
        }
      }
    }
    return phase;
  }

  /** A stand-in feature network: the image itself, flattened. */
  private static final class FlatteningFeatures implements FeatureNetwork {
    @Override
    public NDArray features(NDArray images) {
      return images.reshape(images.getShape().get(0), -1);
    }

    @Override
    public void close() {}
  }

  /** Creates a DJL generator, runs one differentiable forward and backward, and closes it. */
  private static Phase djlOpenClose(StyleGanModel model, int cycles) {
    Phase phase = new Phase("djl open/close");
    for (int i = 1; i <= cycles; i++) {
      try (DjlGenerator g = DjlGenerator.create(model);
          NDManager scope = g.manager().newSubManager();
          var collector = scope.getEngine().newGradientCollector()) {
        NDArray z = DjlTensors.toNDArray(scope, NumpyRandomState.latents(List.of((long) i), Z));
        NDArray img = g.synthesis(g.mapping(z, null, Truncation.of(0.7)), Noise.random(i));
        collector.backward(img.square().mean());
      }
      if (i % (cycles / 10) == 0) {
        phase.sample(i);
      }
    }
    return phase;
  }

  /** A stand-in face encoder: the image itself, flattened (the triplet loss compares directions). */
  private static final class FlatteningEncoder implements DifferentiableFaceEncoder {
    @Override
    public NDArray embed(NDArray images) {
      return images.reshape(images.getShape().get(0), -1);
    }

    @Override
    public void close() {}
  }
}
