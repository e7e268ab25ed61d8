package dev.finetoon.bench;

import ai.djl.ndarray.NDManager;
import dev.finetoon.Device;
import dev.finetoon.Projector;
import dev.finetoon.Tensor;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.train.DjlProjectorBackend;
import java.nio.file.Path;
import java.util.Random;

/**
 * Times projection steps on the full-size random-weight 256² generator of {@link GeneratorBench} with a VGG16-sized
 * feature network ({@link Vgg16StandIn}), and prints steps/s against NVIDIA's projector on this 2-core machine
 * (0.72 step/s, measured with NVIDIA's code) and the peak resident memory. The one-off w statistics (10 000 mapping
 * passes) and the target's features are outside the timed steps. Then the highest rate the same arithmetic allows
 * ({@link ComputeFloor}, measured in the same run before the timed steps) beside the 1.5× NVIDIA target.
 *
 * <pre>
 * java -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.ProjectionBench [seconds]
 * </pre>
 */
public final class ProjectionBench {
  private static final double NVIDIA_STEPS_PER_SECOND = 0.72;

  private ProjectionBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
    StyleGanModel model = RandomModels.create(GeneratorBench.ffhq256(), 1);
    float[] pixels = new float[3 * 256 * 256];
    Random random = new Random(3);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextInt(256);
    }
    Tensor target = Tensor.adopt(pixels, 1, 3, 256, 256);
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(1000);
    long[] start = new long[1];
    int[] timed = new int[1];
    double convolutionRate = ComputeFloor.convolutionMacsPerSecond();
    Vgg16StandIn features = new Vgg16StandIn(NDManager.newBaseManager(), 256);
    double featureMacs = features.macs();
    try (Projector projector = DjlProjectorBackend.open(model, options, features, Device.cpu())) {
      projector.project(target, (step, steps, distance, loss) -> {
        if (step == 0) {
          start[0] = System.nanoTime(); // the first step is warm-up
          return true;
        }
        timed[0] = step;
        return System.nanoTime() - start[0] < seconds * 1e9;
      });
    }
    double rate = timed[0] / ((System.nanoTime() - start[0]) / 1e9);
    System.out.printf("%-12s %-18s %-8s %-14s%n", "steps/s", "NVIDIA steps/s", "ratio", "peak RSS MiB");
    System.out.printf("%-12.3f %-18.2f %-8s %-14d%n", rate, NVIDIA_STEPS_PER_SECOND,
        String.format("%.2fx", rate / NVIDIA_STEPS_PER_SECOND), PeakMemory.peakMiB());
    // Per step: G forward and its backward to ws and the noise (one forward's worth; the weights are frozen), and the
    // feature network forward and backward to the image.
    double macs = 2 * ComputeFloor.generatorMacs(model) + 2 * featureMacs;
    ComputeFloor.printCeiling(macs, convolutionRate, rate, 1.5 * NVIDIA_STEPS_PER_SECOND);
  }
}
