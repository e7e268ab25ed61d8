package dev.finetoon.cli;

import dev.finetoon.EncoderInverter;
import dev.finetoon.encoder.EncoderFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.RefinementOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The encoder options {@code project} and {@code toonify} share: a pSp / e4e checkpoint and its refinement. */
final class EncoderCliOptions {
  @Option(
      names = "--encoder",
      paramLabel = "FILE.pt",
      description = "A pSp / e4e checkpoint (e.g. e4e_ffhq_encode.pt): invert the photo in one forward pass instead"
          + " of the projection.")
  private Path encoder;

  @Option(
      names = "--refine-steps",
      defaultValue = "0",
      paramLabel = "N",
      description = "With --encoder: refine its W+ by N optimisation steps, keeping only improvements (default:"
          + " ${DEFAULT-VALUE}, encoder only).")
  private int refineSteps;

  @Option(
      names = "--refine-lr",
      defaultValue = "0.01",
      paramLabel = "LR",
      description = "With --refine-steps: Adam's learning rate (default: ${DEFAULT-VALUE}).")
  private double refineLearningRate;

  @Option(
      names = "--allow-decoder-mismatch",
      description = "With --encoder: invert into a base that is not the encoder's own decoder (refused by default:"
          + " the codes are for that decoder).")
  private boolean allowMismatch;

  boolean given() {
    return encoder != null;
  }

  /** Whether the encoder's W+ is refined (and so needs the feature network). */
  boolean refines() {
    return given() && refineSteps > 0;
  }

  /**
   * The inverter for {@code base}; {@code featureNetwork} is read only when {@link #refines()} (else it may be null).
   *
   * @throws dev.finetoon.IncompatibleModelsException where base is not the encoder's decoder (unless allowed)
   */
  EncoderInverter open(StyleGanModel base, Path featureNetwork, Consumer<String> log) throws IOException {
    EncoderInverter.Builder builder = EncoderInverter.builder().encoder(EncoderFiles.read(encoder)).base(base);
    if (allowMismatch) {
      builder.allowDecoderMismatch();
    }
    if (refineSteps > 0) {
      builder.featureNetwork(featureNetwork)
          .refine(RefinementOptions.defaults().withSteps(refineSteps).withLearningRate(refineLearningRate));
    }
    log.accept("inversion: " + encoder + (refineSteps > 0 ? ", then up to " + refineSteps + " W+ steps" : "")
        + " (instead of the projection)");
    return builder.build();
  }

  /** The checkpoint, for messages. */
  Path file() {
    return encoder;
  }
}
