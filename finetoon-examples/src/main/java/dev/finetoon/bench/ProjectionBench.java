package dev.finetoon.bench;

import ai.djl.ndarray.NDManager;
import dev.finetoon.Device;
import dev.finetoon.Projector;
import dev.finetoon.Tensor;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.train.DjlProjectorBackend;
import dev.finetoon.train.PyTorchThreads;
import java.util.Optional;
import java.util.Random;

/**
 * Times projection steps on the full-size random-weight 256² generator of {@link GeneratorBench} with a VGG16-sized
 * feature network ({@link Vgg16StandIn}), alternating with NVIDIA's projection step timed in the same run
 * ({@link NvidiaBaseline}, where set up: {@code -Dnvidia.sg2ada=DIR -Dnvidia.pkl=paper256.pkl}): first on the
 * machine as it is, then with two CPU-bound competing processes
 * ({@link Competitors}, the same for both). Prints steps/s as medians with min–max and the ratio, peak resident memory,
 * and the highest rate the same arithmetic allows ({@link ComputeFloor}) beside the 1.5× NVIDIA target. The one-off w
 * statistics (10 000 mapping passes) and the target's features are outside the timed steps.
 *
 * <pre>
 * java [-Dnvidia.sg2ada=/tmp/sg2ada -Dnvidia.pkl=/tmp/paper256.pkl] -cp finetoon-examples/target/finetoon.jar \
 *     dev.finetoon.bench.ProjectionBench [seconds per run] [rounds]
 * </pre>
 */
public final class ProjectionBench {
  private static final int NVIDIA_STEPS = 8;

  private ProjectionBench() {}

  public static void main(String[] args) throws Exception {
    PyTorchThreads.applyDefaults(); // the stand-in and the compute floor use DJL before the projector does
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int threads = Runtime.getRuntime().availableProcessors();
    StyleGanModel model = RandomModels.create(GeneratorBench.ffhq256(), 1);
    Tensor target = randomTarget();
    double convolutionRate = ComputeFloor.convolutionMacsPerSecond();
    Vgg16StandIn features = new Vgg16StandIn(NDManager.newBaseManager(), 256);
    Optional<SameRun.Measurement> reference = NvidiaBaseline.configured()
        .map(n -> () -> n.step("projection step", NVIDIA_STEPS, threads).rate());
    SameRun.printHeader("steps/s");
    SameRun idle;
    try (Projector projector = DjlProjectorBackend.open(model, ProjectionOptions.defaults().withSteps(1000),
        features, Device.cpu())) {
      SameRun.Measurement ours = () -> stepsPerSecond(projector, target, (timed, nanos) -> nanos < seconds * 1e9);
      idle = SameRun.alternate(rounds, ours, reference);
      idle.printRow("as the machine is");
      try (Competitors busy = Competitors.start(2)) {
        SameRun.alternate(rounds, ours, reference).printRow("2 competing processes");
      }
    }
    System.out.printf("peak RSS %d MiB%n", PeakMemory.peakMiB());
    // Per step: G forward and its backward to ws and the noise (one forward's worth; the weights are frozen), and the
    // feature network forward and backward to the image.
    double macs = 2 * ComputeFloor.generatorMacs(model) + 2 * features.macs();
    ComputeFloor.printCeiling(macs, convolutionRate, idle.oursMedian(), idle.target());
  }

  /** When a timed projection run stops: given the steps timed so far and the nanoseconds since the warm-up step. */
  @FunctionalInterface
  interface StepBudget {
    boolean more(int timedSteps, long elapsedNanos);
  }

  /** The steps/s of one projection run after a warm-up step, stepping while {@code budget} allows. */
  static double stepsPerSecond(Projector projector, Tensor target, StepBudget budget) {
    long[] start = new long[1];
    int[] timed = new int[1];
    projector.project(target, (step, steps, distance, loss) -> {
      if (step == 0) {
        start[0] = System.nanoTime(); // the first step is warm-up
        return true;
      }
      timed[0] = step;
      return budget.more(step, System.nanoTime() - start[0]);
    });
    return timed[0] / ((System.nanoTime() - start[0]) / 1e9);
  }

  private static Tensor randomTarget() {
    float[] pixels = new float[3 * 256 * 256];
    Random random = new Random(3);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextInt(256);
    }
    return Tensor.adopt(pixels, 1, 3, 256, 256);
  }
}
