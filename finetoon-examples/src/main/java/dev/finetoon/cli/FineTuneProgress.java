package dev.finetoon.cli;

import dev.finetoon.Tensor;
import dev.finetoon.image.Images;
import dev.finetoon.finetune.FineTuneListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What {@code finetoon fine-tune} shows while it runs: a progress bar over all steps (on stderr), one line per epoch
 * with its mean loss, and the epoch's preview image written as a PNG when a folder for them is given.
 */
final class FineTuneProgress implements FineTuneListener, AutoCloseable {
  private final ProgressLine line;
  private final ProgressBar bar;
  private final Consumer<String> print;
  private final int epochs;
  private final Path previewDir;
  private final long previewSeed;

  /** {@code previewDir} may be null (no previews). */
  FineTuneProgress(PrintWriter barWriter, Consumer<String> print, long done, long total, int epochs, Path previewDir,
      long previewSeed) {
    this.line = new ProgressLine(barWriter);
    this.bar = new ProgressBarBuilder()
        .setTaskName("fine-tune")
        .setInitialMax(total)
        .startsFrom(done, Duration.ZERO)
        .setStyle(ProgressBarStyle.UNICODE_BLOCK)
        .setUnit(" steps", 1)
        .showSpeed(new DecimalFormat("0.00"))
        .setSpeedUnit(ChronoUnit.SECONDS)
        .setConsumer(line)
        .build();
    this.print = print;
    this.epochs = epochs;
    this.previewDir = previewDir;
    this.previewSeed = previewSeed;
  }

  @Override
  public boolean onStep(Step step) {
    bar.stepTo(step.step() + 1);
    bar.setExtraMessage(String.format(" loss %.4f", step.loss()));
    return true;
  }

  @Override
  public void onEpoch(int epoch, double meanLoss, Tensor preview) {
    String message = String.format("epoch %d/%d: mean loss %.5f", epoch + 1, epochs, meanLoss);
    if (previewDir != null) {
      Path file = previewDir.resolve(String.format("epoch%03d_seed%04d.png", epoch + 1, previewSeed));
      try {
        Images.writePng(Images.toImages(preview).get(0), file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      message += ", preview " + file;
    }
    String done = message;
    line.above(() -> print.accept(done));
  }

  @Override
  public void close() {
    bar.close();
  }
}
