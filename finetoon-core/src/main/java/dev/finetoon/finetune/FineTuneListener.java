package dev.finetoon.finetune;

import dev.finetoon.Tensor;
import java.nio.file.Path;

/**
 * Progress of a {@link dev.finetoon.TripletFineTuner} run, for host applications (progress bars, logs, previews). As
 * with a projection's listener, returning false from {@link #onStep} stops the run after that step (it then writes a
 * checkpoint); to stop from another thread, let {@code onStep} return the negation of a flag that thread sets.
 *
 * <pre>{@code
 * AtomicBoolean stop = new AtomicBoolean();
 * tuner.run(step -> !stop.get());
 * }</pre>
 */
@FunctionalInterface
public interface FineTuneListener {
  /** Reports nothing and never stops a run. */
  FineTuneListener NONE = step -> true;

  /** One optimiser step. */
  record Step(long step, long totalSteps, int epoch, double loss, double anchorPositive, double anchorNegative) {}

  /** After every step; return false to stop the run. */
  boolean onStep(Step step);

  /** The end of an epoch: its mean loss and the preview seed drawn by the current weights ({@code [1, 3, R, R]}). */
  default void onEpoch(int epoch, double meanLoss, Tensor preview) {}

  default void onCheckpoint(Path checkpoint) {}
}
