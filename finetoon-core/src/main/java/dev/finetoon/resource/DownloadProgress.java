package dev.finetoon.resource;

/**
 * Hears how far a catalogue download has got: first the bytes already there (a resumed download starts above 0),
 * then after each chunk. {@code total} is the complete file's size, or -1 while the server has not said it.
 *
 * <pre>{@code
 * DownloadProgress print = (bytes, total) -> System.err.printf("\r%d / %d bytes", bytes, total);
 * }</pre>
 */
@FunctionalInterface
public interface DownloadProgress {
  /** Hears nothing. */
  DownloadProgress NONE = (bytes, total) -> {};

  /** {@code bytes} of {@code total} are on disk. */
  void update(long bytes, long total);
}
