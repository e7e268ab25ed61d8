package dev.finetoon.bench;

import dev.finetoon.Device;
import dev.finetoon.Projector;
import dev.finetoon.Tensor;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.ProjectorBackend;
import dev.finetoon.train.DjlProjectorBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What a photo costs beyond its projection steps: toonifying N photos one projector session each (before sessions,
 * every {@code toonify} opened one: feature network loaded, generator copied into DJL, 10 000-sample w statistics)
 * against one session for all N (now). Both run in the same process, alternating, on the full-size random-weight 256²
 * generator of {@link GeneratorBench}, with a one-step projection so that the per-photo overhead shows.
 *
 * <pre>
 * java -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.SessionOverheadBench FEATURES.pt [photos]
 * </pre>
 */
public final class SessionOverheadBench {
  private SessionOverheadBench() {}

  public static void main(String[] args) throws IOException {
    Path features = Path.of(args[0]);
    int photos = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    StyleGanModel model = RandomModels.create(GeneratorBench.ffhq256(), 1);
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(1);
    ProjectorBackend backend = new DjlProjectorBackend();
    List<Tensor> targets = new ArrayList<>();
    Random random = new Random(3);
    for (int p = 0; p < photos; p++) {
      float[] pixels = new float[3 * 256 * 256];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = random.nextInt(256);
      }
      targets.add(Tensor.adopt(pixels, 1, 3, 256, 256));
    }
    System.out.printf("model: random-weight 256² StyleGAN2-ADA; feature network %s; %d photos, 1 step each; %d cores"
        + " (idle unless stated)%n", features.getFileName(), photos, Runtime.getRuntime().availableProcessors());
    double[] perSession = new double[3];
    double[] shared = new double[3];
    for (int round = 0; round < 3; round++) {
      long start = System.nanoTime();
      for (Tensor target : targets) {
        try (Projector projector = backend.open(model, features, options, Device.cpu())) {
          projector.project(target, (step, steps, distance, loss) -> true);
        }
      }
      perSession[round] = (System.nanoTime() - start) / 1e9 / photos;
      start = System.nanoTime();
      try (Projector projector = backend.open(model, features, options, Device.cpu())) {
        for (Tensor target : targets) {
          projector.project(target, (step, steps, distance, loss) -> true);
        }
      }
      shared[round] = (System.nanoTime() - start) / 1e9 / photos;
    }
    Arrays.sort(perSession);
    Arrays.sort(shared);
    System.out.printf("%-34s %-26s%n", "", "s per photo, median (min-max) of 3");
    System.out.printf("%-34s %.2f (%.2f-%.2f)%n", "before: one session per photo", perSession[1], perSession[0],
        perSession[2]);
    System.out.printf("%-34s %.2f (%.2f-%.2f)%n", "now: one session for all photos", shared[1], shared[0], shared[2]);
    System.out.printf("%-34s %.2f s per photo saved, %.1fx faster%n", "", perSession[1] - shared[1],
        perSession[1] / shared[1]);
  }
}
