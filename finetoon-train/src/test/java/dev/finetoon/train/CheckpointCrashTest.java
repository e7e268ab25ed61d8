package dev.finetoon.train;

import static dev.finetoon.train.FineTuneProcess.STEPS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.Tensor;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a fine-tuning process with SIGKILL at moments that matter (while a checkpoint is written, as one lands and old
 * ones are deleted), checks after every kill that each checkpoint left is complete, and resumes the run to the end:
 * the weights equal those of a run never interrupted.
 */
class CheckpointCrashTest {
  private static final int SIGKILL = 9;

  @TempDir Path dir;

  /** When to kill the run: a test of its checkpoint folder, given the newest step there when the process started. */
  private record Moment(String description, BiPredicate<Path, Long> due) {}

  @Test
  void aRunKilledAtAnyMomentLeavesOnlyCompleteCheckpointsAndResumesExactly() throws Exception {
    ReferenceData.tiny();
    Map<Long, Map<String, Tensor>> reference = uninterruptedWeightsPerStep();
    Path checkpoints = dir.resolve("killed");
    List<Moment> moments = List.of(
        new Moment("while the first checkpoint is written", (d, start) -> hasUnfinished(d)),
        new Moment("while a later checkpoint is written", (d, start) -> newest(d) >= start + 2 && hasUnfinished(d)),
        new Moment("as a checkpoint lands and old ones are deleted", (d, start) -> newest(d) > start));
    List<String> midWrite = new ArrayList<>();
    for (Moment moment : moments) {
      if (killWhen(checkpoints, moment)) {
        midWrite.add(moment.description());
      }
      assertOnlyCompleteCheckpoints(checkpoints, reference);
    }
    assertThat(midWrite).as("kills that interrupted a checkpoint being written").isNotEmpty();

    try (TorchScriptFaceEncoder encoder = FineTuneProcess.encoder();
        TripletFineTuner tuner = FineTuneSessions.resume(FineTuneProcess.trained(), FineTuneProcess.positive(),
            FineTuneProcess.negative(), encoder, FineTuneProcess.options(checkpoints))) {
      assertThat(tuner.step()).as("steps the killed processes completed").isPositive();
      StyleGanModel resumed = tuner.run(FineTuneListener.NONE).model();
      assertThat(resumed.tensors()).isEqualTo(reference.get((long) STEPS));
    }
    assertThat(names(checkpoints)).as("the resumed run cleared what the killed ones left unfinished")
        .containsExactlyInAnyOrder(String.format("step-%09d", STEPS - 1), String.format("step-%09d", STEPS));
  }

  /** The weights after every step of a run in this process that nothing interrupts. */
  private Map<Long, Map<String, Tensor>> uninterruptedWeightsPerStep() throws IOException {
    Map<Long, Map<String, Tensor>> weights = new HashMap<>();
    try (TorchScriptFaceEncoder encoder = FineTuneProcess.encoder();
        TripletFineTuner tuner = FineTuneSessions.create(FineTuneProcess.trained(), FineTuneProcess.positive(),
            FineTuneProcess.negative(), encoder, FineTuneProcess.options(dir.resolve("uninterrupted")))) {
      tuner.run(new FineTuneListener() {
        @Override
        public boolean onStep(Step step) {
          weights.put(tuner.step(), tuner.model().tensors());
          return true;
        }
      });
    }
    assertThat(weights).hasSize(STEPS);
    return weights;
  }

  /**
   * Runs {@link FineTuneProcess} in a new JVM on {@code checkpoints}, kills it with SIGKILL as soon as the moment is
   * due, and says whether the kill left a checkpoint unfinished.
   */
  private boolean killWhen(Path checkpoints, Moment moment) throws Exception {
    long start = newest(checkpoints);
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
            "-Dfinetoon.shared=" + ReferenceData.shared(), "-cp", System.getProperty("java.class.path"),
            FineTuneProcess.class.getName(), checkpoints.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!moment.due().test(checkpoints, start)) {
        if (!child.isAlive() || System.nanoTime() > deadline) {
          fail("the run ended or stalled before it could be killed %s:%n%s", moment.description(),
              Files.readString(log));
        }
        Thread.sleep(1);
      }
      child.destroyForcibly();
      // Java reports a process ended by signal n as 128 + n: 137 proves destroyForcibly sent SIGKILL, not SIGTERM.
      assertThat(child.waitFor()).as("exit status of the run killed %s", moment.description()).isEqualTo(128 + SIGKILL);
    } finally {
      child.destroyForcibly();
    }
    return hasUnfinished(checkpoints);
  }

  /**
   * Every {@code step-*} folder holds exactly the three files of a checkpoint, reads back, and holds the weights of
   * the uninterrupted run at its step; nothing else but unfinished {@code .step-*} folders lies beside them.
   */
  private static void assertOnlyCompleteCheckpoints(Path checkpoints, Map<Long, Map<String, Tensor>> reference)
      throws IOException {
    for (String name : names(checkpoints)) {
      if (name.startsWith(".step-")) {
        continue;
      }
      assertThat(name).matches("step-\\d{9}");
      Path folder = checkpoints.resolve(name);
      assertThat(names(folder)).containsExactlyInAnyOrder("model.safetensors", "adam.safetensors", "state.json");
      FineTuneCheckpoint c = FineTuneCheckpoint.read(folder);
      assertThat(name).isEqualTo(String.format("step-%09d", c.step()));
      assertThat(c.adamSteps()).isEqualTo(c.step());
      assertThat(c.model().tensors()).as("weights in %s", name).isEqualTo(reference.get(c.step()));
    }
  }

  private static boolean hasUnfinished(Path checkpoints) {
    return names(checkpoints).stream().anyMatch(n -> n.startsWith(".step-"));
  }

  /** The newest checkpoint's step, 0 when there is none. */
  private static long newest(Path checkpoints) {
    return names(checkpoints).stream()
        .filter(n -> n.matches("step-\\d{9}"))
        .mapToLong(n -> Long.parseLong(n.substring("step-".length())))
        .max()
        .orElse(0);
  }

  private static List<String> names(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
