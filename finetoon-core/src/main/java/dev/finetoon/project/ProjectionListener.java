package dev.finetoon.project;

/** Progress of a projection. Returning false from {@link #onStep} cancels it after that step. */
@FunctionalInterface
public interface ProjectionListener {
  ProjectionListener NONE = (step, steps, distance, loss) -> true;

  /** Called after every step with the LPIPS distance and the total loss; return false to stop. */
  boolean onStep(int step, int steps, double distance, double loss);
}
