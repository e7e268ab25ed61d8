package dev.finetoon.cli;

import dev.finetoon.project.ProjectionListener;
import java.util.function.Consumer;

/**
 * Prints a projection's progress in NVIDIA's words ({@code step 50/1000: dist 0.41 loss 0.43}): after the first step,
 * every twentieth of the run and after the last, with the seconds since the start.
 */
final class ProjectionProgress implements ProjectionListener {
  private static final int LINES = 20;

  private final Consumer<String> out;
  private final long start = System.nanoTime();

  ProjectionProgress(Consumer<String> out) {
    this.out = out;
  }

  @Override
  public boolean onStep(int step, int steps, double distance, double loss) {
    int done = step + 1;
    if (done == 1 || done == steps || done % Math.max(1, steps / LINES) == 0) {
      int width = Integer.toString(steps).length();
      out.accept(String.format("step %" + width + "d/%d: dist %.4f loss %.4f (%.1f s)",
          done, steps, distance, loss, (System.nanoTime() - start) / 1e9));
    }
    return true;
  }
}
