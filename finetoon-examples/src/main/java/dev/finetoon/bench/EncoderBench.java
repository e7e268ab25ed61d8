package dev.finetoon.bench;

import ai.djl.ndarray.NDManager;
import dev.finetoon.Device;
import dev.finetoon.Projector;
import dev.finetoon.Tensor;
import dev.finetoon.encoder.EncoderArchitecture;
import dev.finetoon.encoder.EncoderInput;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.encoder.Encoders;
import dev.finetoon.encoder.ImageEncoder;
import dev.finetoon.encoder.RandomEncoders;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.RefinementOptions;
import dev.finetoon.train.DjlProjectorBackend;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * Seconds per photo of encoder inversion (e4e, random weights built in code) on this machine, at the reference's
 * reduced widths (÷16, 64² decoder, 10 rows) and at the public files' real size (IR-SE-50 at full width, 1024² FFHQ
 * decoder, 18 rows): the encoder's one pass (preprocessing included), the encoder plus N W+ refinement steps (LPIPS
 * on a VGG16-sized stand-in, {@link Vgg16StandIn}), and beside them NVIDIA's 1000-step projection extrapolated from
 * timed projection steps on the same generator. Session opening (graph building, w statistics) is not timed.
 *
 * <pre>
 * java -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.EncoderBench [refine steps] [projection steps]
 *     [both|reduced|full]
 * </pre>
 *
 * <p>Each row's columns print as they are measured; 0 refinement steps measures the encoder alone.
 */
public final class EncoderBench {
  private static final int ENCODER_RUNS = 5;

  private EncoderBench() {}

  public static void main(String[] args) throws Exception {
    int refineSteps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int projectionSteps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String sizes = args.length > 2 ? args[2] : "both";
    System.out.printf("e4e with random weights, %d cores; refinement %d steps, projection timed over %d steps%n",
        Runtime.getRuntime().availableProcessors(), refineSteps, projectionSteps);
    System.out.printf("%-28s %-16s %-22s %-24s %-12s%n", "size", "encoder s/photo",
        "encoder+" + refineSteps + " steps s/photo", "1000-step projection s", "peak RSS MiB");
    // the reference checkpoints' decoder: 32 channels at every resolution
    GeneratorConfig reduced = GeneratorConfig.builder(32, 32, 64)
        .synthesis(new SynthesisConfig(32768, 32, 0, OptionalDouble.empty(), SynthesisConfig.SKIP,
            List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
    if (!sizes.equals("full")) {
      row("reduced (÷16), 64² decoder", 16, reduced, refineSteps, projectionSteps);
    }
    if (!sizes.equals("reduced")) {
      row("full width, 1024² decoder", 1, GeneratorConfig.builder(512, 512, 1024).build(), refineSteps,
          projectionSteps);
    }
  }

  private static void row(String label, int divisor, GeneratorConfig config, int refineSteps, int projectionSteps)
      throws Exception {
    StyleGanModel decoder = RandomModels.create(config, 1);
    EncoderModel e4e = RandomEncoders.create(EncoderArchitecture.ENCODER4EDITING, divisor, decoder, 1);
    int r = config.imgResolution();
    RgbImage photo = randomPhoto(r);
    double encoderSeconds;
    Tensor ws;
    try (ImageEncoder encoder = Encoders.open(e4e)) {
      ws = encoder.encode(EncoderInput.of(photo)).ws(); // warm-up
      double[] runs = new double[ENCODER_RUNS];
      for (int i = 0; i < runs.length; i++) {
        long start = System.nanoTime();
        ws = encoder.encode(EncoderInput.of(photo)).ws();
        runs[i] = (System.nanoTime() - start) / 1e9;
      }
      Arrays.sort(runs);
      encoderSeconds = runs[runs.length / 2];
    }
    System.out.printf("%-28s %-16.3f ", label, encoderSeconds);
    System.out.flush();
    if (refineSteps == 0) {
      System.out.printf("%-22s %-24s %-12d%n", "-", "-", PeakMemory.peakMiB());
      return;
    }
    double refineSeconds;
    double projectionSeconds;
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(1000);
    Vgg16StandIn features = new Vgg16StandIn(NDManager.newBaseManager(), Math.min(r, 256));
    try (Projector projector = DjlProjectorBackend.open(decoder, options, features, Device.cpu())) {
      Tensor target = photo.toTensor();
      projector.refine(target, ws, RefinementOptions.defaults().withSteps(1), (s, n, d, l) -> true); // warm-up
      long start = System.nanoTime();
      projector.refine(target, ws, RefinementOptions.defaults().withSteps(refineSteps).withPatience(0),
          (s, n, d, l) -> true);
      refineSeconds = encoderSeconds + (System.nanoTime() - start) / 1e9;
      long[] first = new long[1];
      projector.project(target, (step, steps, distance, loss) -> {
        if (step == 0) {
          first[0] = System.nanoTime(); // the first step is warm-up
        }
        return step < projectionSteps;
      });
      projectionSeconds = 1000 * (System.nanoTime() - first[0]) / 1e9 / projectionSteps;
    }
    System.out.printf("%-22.2f %-24.0f %-12d%n", refineSeconds, projectionSeconds, PeakMemory.peakMiB());
  }

  private static RgbImage randomPhoto(int size) {
    byte[] rgb = new byte[size * size * 3];
    new Random(3).nextBytes(rgb);
    return RgbImage.of(size, size, rgb);
  }
}
