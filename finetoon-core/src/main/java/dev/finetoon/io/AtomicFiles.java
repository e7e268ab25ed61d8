package dev.finetoon.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that readers never see half of one: the content goes to a temporary file beside the target, is
 * flushed to disk, and is then moved over the target in one step.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("out.npy"), out -> out.write(bytes));
 * try (AtomicFiles.Pending images = AtomicFiles.open(Path.of("img.npy"))) {
 *   images.stream().write(batch);   // as the data arrives
 *   images.commit();
 * }
 * }</pre>
 */
public final class AtomicFiles {
  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * A file being written: {@link #commit()} moves it into place; closing it uncommitted removes it and leaves the
   * target untouched. Not thread-safe.
   */
  public static final class Pending implements Closeable {
    private final Path target;
    private final Path tmp;
    private final OutputStream out;
    private boolean open = true;

    private Pending(Path target, Path tmp) throws IOException {
      this.target = target;
      this.tmp = tmp;
      this.out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
    }

    /** Where the content goes. */
    public OutputStream stream() {
      return out;
    }

    /** Flushes the content to disk and moves it over the target. */
    public void commit() throws IOException {
      open = false;
      out.close();
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    /** Removes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
      try {
        if (open) {
          out.close();
        }
      } finally {
        open = false;
        Files.deleteIfExists(tmp);
      }
    }
  }

  private AtomicFiles() {}

  /** Starts writing {@code target}: a temporary file beside it, created now. */
  public static Pending open(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    return new Pending(absolute, Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp"));
  }

  /** Writes {@code target} atomically; on any failure the target is untouched and the temporary file is removed. */
  public static void write(Path target, Content content) throws IOException {
    try (Pending pending = open(target)) {
      content.writeTo(pending.stream());
      pending.commit();
    }
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }
}
