package dev.finetoon.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * Draws a progress bar on one line of a writer, redrawn in place with a carriage return; {@link #above} prints other
 * output on a blanked line, which the bar's next redraw then follows.
 */
final class ProgressLine implements ProgressBarConsumer {
  private static final int WIDTH = 100;

  private final PrintWriter writer;
  private int drawn;

  ProgressLine(PrintWriter writer) {
    this.writer = writer;
  }

  @Override
  public int getMaxRenderedLength() {
    return WIDTH;
  }

  @Override
  public synchronized void accept(String rendered) {
    writer.print('\r' + rendered);
    writer.flush();
    drawn = rendered.length();
  }

  @Override
  public synchronized void clear() {
    writer.print('\r' + " ".repeat(drawn) + '\r');
    writer.flush();
    drawn = 0;
  }

  /** Blanks the bar and runs {@code print} before the bar can be redrawn. */
  synchronized void above(Runnable print) {
    clear();
    print.run();
  }

  @Override
  public synchronized void close() {
    writer.println();
    writer.flush();
  }
}
