package dev.finetoon.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Writes files so that readers never see half of one: the content goes to a temporary file beside the target
 * ({@code .<name>.<random>.tmp}), is flushed to disk, and is then moved over the target in one step.
 *
 * <p>The result has the permissions an ordinary write would give it: an existing target's, else the default for new
 * files (0666 less the umask on POSIX), not the 0600 of {@code Files.createTempFile}. A process killed mid-write
 * leaves its temporary file behind; the next write of the same target removes such files once they are
 * {@link #STALE_AFTER} old (a live writer keeps touching its own).
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
  /** How long a temporary file must have gone unmodified before a later write of its target removes it. */
  public static final Duration STALE_AFTER = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();

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
      this.out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE), 1 << 16);
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
      keepPermissionsOf(target, tmp);
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

  /** Starts writing {@code target}: a temporary file beside it, created now; stale leftovers are removed first. */
  public static Pending open(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    String prefix = "." + absolute.getFileName() + ".";
    removeStale(dir, prefix);
    return new Pending(absolute, createTemporary(dir, prefix));
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

  /** A new empty file {@code prefix<random>.tmp}, created as an ordinary file is (no permission attributes given). */
  private static Path createTemporary(Path dir, String prefix) throws IOException {
    while (true) {
      Path tmp = dir.resolve(prefix + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        // 2^-64 per try; draw another name.
      }
    }
  }

  private static void keepPermissionsOf(Path target, Path tmp) throws IOException {
    PosixFileAttributeView existing = Files.getFileAttributeView(target, PosixFileAttributeView.class);
    if (existing != null && Files.isRegularFile(target)) {
      Files.setPosixFilePermissions(tmp, existing.readAttributes().permissions());
    }
  }

  /** Removes this target's temporary files that no writer has touched for {@link #STALE_AFTER}. */
  private static void removeStale(Path dir, String prefix) throws IOException {
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_AFTER));
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, glob(prefix) + "*.tmp")) {
      for (Path leftover : leftovers) {
        try {
          if (Files.isRegularFile(leftover) && Files.getLastModifiedTime(leftover).compareTo(cutoff) < 0) {
            Files.deleteIfExists(leftover);
          }
        } catch (IOException e) {
          // Another writer removed it first, or it cannot be removed: it is only a leftover.
        }
      }
    }
  }

  /** {@code text} as a glob matching itself. */
  private static String glob(String text) {
    return text.replaceAll("([*?\\[\\]{}\\\\,])", "\\\\$1");
  }
}
