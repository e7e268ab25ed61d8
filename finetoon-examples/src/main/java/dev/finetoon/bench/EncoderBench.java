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
import dev.finetoon.train.PyTorchThreads;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * Seconds per photo of encoder inversion (e4e, random weights built in code) against projection: at the reference's
 * reduced widths (÷16, 64² decoder, 10 rows), at full width on a 256² decoder (the configuration of NVIDIA's
 * ffhq-res256 source, 14 rows) and at the public files' real size (IR-SE-50 at full width, 1024² FFHQ decoder, 18
 * rows). Per round: the encoder's one pass (preprocessing included, median of 5), the encoder plus N W+ refinement
 * steps (LPIPS on a VGG16-sized stand-in, {@link Vgg16StandIn}), finetoon's 1000-step projection extrapolated from
 * timed steps on the same generator, and, for the 256² row where {@link NvidiaBaseline} is set up
 * ({@code -Dnvidia.sg2ada=DIR -Dnvidia.pkl=paper256.pkl}), NVIDIA's 1000-step projection extrapolated from its steps
 * timed in the same round, with the speed-up of the inversion over it. Medians with min–max over the rounds. Session
 * opening (graph building, w statistics) is not timed.
 *
 * <pre>
 * java [-Dnvidia.sg2ada=/tmp/sg2ada -Dnvidia.pkl=/tmp/paper256.pkl] -cp finetoon-examples/target/finetoon.jar \
 *     dev.finetoon.bench.EncoderBench [refine steps] [projection steps] [sizes: reduced,256,1024] [rounds]
 * </pre>
 *
 * <p>Each row prints once its rounds are done; 0 refinement steps measures the encoder alone as the inversion.
 */
public final class EncoderBench {
  private static final int ENCODER_RUNS = 5;
  private static final int NVIDIA_STEPS = 8;
  private static final double PROJECTION_STEPS = 1000;

  private EncoderBench() {}

  public static void main(String[] args) throws Exception {
    PyTorchThreads.applyDefaults(); // the stand-in uses DJL before the projector does
    int refineSteps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int projectionSteps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<String> sizes = List.of((args.length > 2 ? args[2] : "reduced,256").split(","));
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Optional<NvidiaBaseline> nvidia = NvidiaBaseline.configured();
    System.out.printf("e4e with random weights, %d cores; refinement %d steps, projection timed over %d steps, "
        + "%d rounds; seconds per photo%n", Runtime.getRuntime().availableProcessors(), refineSteps, projectionSteps,
        rounds);
    System.out.printf("%-28s %-22s %-24s %-26s %-26s %-24s %s%n", "size", "encoder", "encoder+" + refineSteps
        + " steps", "finetoon 1000-step proj.", "NVIDIA 1000-step proj.", "NVIDIA proj. / encoder+" + refineSteps,
        "peak RSS MiB");
    for (String size : sizes) {
      switch (size) {
        case "reduced" -> row("reduced (÷16), 64² decoder", 16, reduced(), refineSteps, projectionSteps, rounds,
            Optional.empty());
        case "256" -> row("full width, 256² decoder", 1, GeneratorBench.ffhq256(), refineSteps, projectionSteps,
            rounds, nvidia);
        case "1024" -> row("full width, 1024² decoder", 1, GeneratorBench.configF1024(), refineSteps,
            projectionSteps, rounds, Optional.empty());
        default -> throw new IllegalArgumentException("sizes are reduced, 256 and 1024, not " + size);
      }
    }
  }

  /** The reference checkpoints' decoder: 32 channels at every resolution, 64². */
  private static GeneratorConfig reduced() {
    return GeneratorConfig.builder(32, 32, 64)
        .synthesis(new SynthesisConfig(32768, 32, 0, OptionalDouble.empty(), SynthesisConfig.SKIP,
            List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  /** One row; {@code nvidia} is empty for the sizes NVIDIA's step script cannot time (its target is 256²). */
  private static void row(String label, int divisor, GeneratorConfig config, int refineSteps, int projectionSteps,
      int rounds, Optional<NvidiaBaseline> nvidia) throws Exception {
    StyleGanModel decoder = RandomModels.create(config, 1);
    EncoderModel e4e = RandomEncoders.create(EncoderArchitecture.ENCODER4EDITING, divisor, decoder, 1);
    int r = config.imgResolution();
    RgbImage photo = randomPhoto(r);
    Tensor target = photo.toTensor();
    int threads = Runtime.getRuntime().availableProcessors();
    Rates encoderSeconds = new Rates();
    Rates inversionSeconds = new Rates();
    Rates projectionSeconds = new Rates();
    Rates nvidiaSeconds = new Rates();
    ProjectionOptions options = ProjectionOptions.defaults().withSteps((int) PROJECTION_STEPS);
    Vgg16StandIn features = new Vgg16StandIn(NDManager.newBaseManager(), Math.min(r, 256));
    try (ImageEncoder encoder = Encoders.open(e4e);
        Projector projector = DjlProjectorBackend.open(decoder, options, features, Device.cpu())) {
      Tensor ws = encoder.encode(EncoderInput.of(photo)).ws(); // warm-up
      projector.refine(target, ws, RefinementOptions.defaults().withSteps(1), (s, n, d, l) -> true);
      for (int round = 0; round < rounds; round++) {
        double[] runs = new double[ENCODER_RUNS];
        for (int i = 0; i < runs.length; i++) {
          long start = System.nanoTime();
          ws = encoder.encode(EncoderInput.of(photo)).ws();
          runs[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(runs);
        double encoded = runs[runs.length / 2];
        encoderSeconds.add(encoded);
        long start = System.nanoTime();
        if (refineSteps > 0) {
          projector.refine(target, ws, RefinementOptions.defaults().withSteps(refineSteps).withPatience(0),
              (s, n, d, l) -> true);
        }
        inversionSeconds.add(encoded + (System.nanoTime() - start) / 1e9);
        projectionSeconds.add(PROJECTION_STEPS
            / ProjectionBench.stepsPerSecond(projector, target, (timed, nanos) -> timed < projectionSteps));
        if (nvidia.isPresent()) {
          nvidiaSeconds.add(PROJECTION_STEPS / nvidia.get().step("projection step", NVIDIA_STEPS, threads).rate());
        }
      }
    }
    String reference = nvidia.isPresent() ? nvidiaSeconds.summary("%.0f")
        : r == 256 ? "not set up" : "256² only";
    System.out.printf("%-28s %-22s %-24s %-26s %-26s %-24s %d%n", label, encoderSeconds.summary(),
        inversionSeconds.summary("%.2f"), projectionSeconds.summary("%.0f"), reference,
        Rates.ratios(nvidiaSeconds, inversionSeconds), PeakMemory.peakMiB());
  }

  private static RgbImage randomPhoto(int size) {
    byte[] rgb = new byte[size * size * 3];
    new Random(3).nextBytes(rgb);
    return RgbImage.of(size, size, rgb);
  }
}
