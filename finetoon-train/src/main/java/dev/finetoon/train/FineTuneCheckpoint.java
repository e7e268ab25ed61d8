package dev.finetoon.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.io.AtomicFiles;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.SafetensorsFile;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fine-tuning checkpoint: a folder {@code step-000120/} holding the weights (with {@code w_avg}) as a finetoon
 * generator file, the optimiser's moments, and {@code state.json} (step, Adam's step count, the running epoch's loss).
 * A checkpoint is written into a temporary folder and renamed into place in one step, and an old one is renamed out of
 * the {@code step-*} names before it is deleted, so a run killed at any moment leaves only complete checkpoints; what
 * it leaves unfinished (folders named {@code .step-*}) is ignored and cleared by the next write. The two newest are
 * kept.
 */
record FineTuneCheckpoint(
    StyleGanModel model, Map<String, Tensor> adam, long step, long adamSteps, double epochLossSum) {
  private static final String MODEL = "model.safetensors";
  private static final String ADAM = "adam.safetensors";
  private static final String STATE = "state.json";
  private static final String UNFINISHED = ".step-";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEEP = 2;

  /** Writes this checkpoint under {@code dir} and returns its folder. */
  Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    clearUnfinished(dir);
    Path target = dir.resolve(String.format("step-%09d", step));
    Path tmp = Files.createTempDirectory(dir, UNFINISHED);
    try {
      ModelFiles.write(model, tmp.resolve(MODEL));
      SafetensorsFile.write(tmp.resolve(ADAM), adam, Map.of());
      ObjectNode state =
          JSON.createObjectNode().put("step", step).put("adam_steps", adamSteps).put("epoch_loss_sum", epochLossSum);
      AtomicFiles.write(tmp.resolve(STATE), state.toString().getBytes(StandardCharsets.UTF_8));
      discard(target);
      move(tmp, target);
    } finally {
      deleteRecursively(tmp);
    }
    List<Path> all = list(dir);
    for (Path old : all.subList(0, Math.max(0, all.size() - KEEP))) {
      discard(old);
    }
    return target;
  }

  /** The newest complete checkpoint under {@code dir}, if any. */
  static Optional<FineTuneCheckpoint> latest(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> all = list(dir);
    return all.isEmpty() ? Optional.empty() : Optional.of(read(all.get(all.size() - 1)));
  }

  static FineTuneCheckpoint read(Path folder) throws IOException {
    try {
      var state = JSON.readTree(Files.readString(folder.resolve(STATE)));
      return new FineTuneCheckpoint(
          ModelFiles.read(folder.resolve(MODEL)),
          SafetensorsFile.read(folder.resolve(ADAM)).tensors(),
          state.get("step").asLong(),
          state.get("adam_steps").asLong(),
          state.get("epoch_loss_sum").asDouble());
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException("unreadable checkpoint " + folder + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> p.getFileName().toString().matches("step-\\d{9}") && Files.isDirectory(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  /**
   * Deletes a checkpoint after renaming it to an unfinished folder, so that no kill leaves part of it as a checkpoint.
   */
  private static void discard(Path checkpoint) throws IOException {
    if (Files.exists(checkpoint)) {
      Path doomed = checkpoint.resolveSibling("." + checkpoint.getFileName() + ".old");
      move(checkpoint, doomed);
      deleteRecursively(doomed);
    }
  }

  /** Deletes what killed runs left half-written or half-deleted. */
  private static void clearUnfinished(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(UNFINISHED)).toList()) {
        deleteRecursively(p);
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
