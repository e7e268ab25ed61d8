package dev.finetoon.cli;

import dev.finetoon.resource.DownloadProgress;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A catalogue download's progress bar in MB on stderr, made on the first update, when the size is known. */
final class DownloadBar implements DownloadProgress, AutoCloseable {
  private static final long MB = 1_000_000;

  private final PrintWriter writer;
  private final String name;
  private ProgressBar bar;

  DownloadBar(PrintWriter writer, String name) {
    this.writer = writer;
    this.name = name;
  }

  @Override
  public void update(long bytes, long total) {
    if (bar == null) {
      bar = new ProgressBarBuilder()
          .setTaskName(name)
          .setInitialMax(total) // -1: the server did not say; the bar then shows no percentage
          .setStyle(ProgressBarStyle.UNICODE_BLOCK)
          .setUnit(" MB", MB)
          .showSpeed()
          .setConsumer(new ProgressLine(writer))
          .build();
    }
    bar.stepTo(bytes);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
