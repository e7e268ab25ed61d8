package dev.finetoon.train;

import dev.finetoon.Tensor;
import java.nio.file.Path;

/** Progress of a {@link TripletFineTuner} run, for host applications (progress bars, logs, previews). */
public interface FineTuneListener {
  /** One optimiser step. */
  record Step(long step, long totalSteps, int epoch, double loss, double anchorPositive, double anchorNegative) {}

  default void onStep(Step step) {}

  /** The end of an epoch: its mean loss and the preview seed drawn by the current weights ({@code [1, 3, R, R]}). */
  default void onEpoch(int epoch, double meanLoss, Tensor preview) {}

  default void onCheckpoint(Path checkpoint) {}
}
