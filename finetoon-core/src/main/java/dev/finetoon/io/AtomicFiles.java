package dev.finetoon.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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

  private AtomicFiles() {}

  /** Writes {@code target} atomically; on any failure the target is untouched and the temporary file is removed. */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    String prefix = "." + absolute.getFileName() + ".";
    removeStale(dir, prefix);
    Path tmp = createTemporary(dir, prefix);
    try {
      try (OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
        content.writeTo(out);
      }
      try (var channel = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      keepPermissionsOf(absolute, tmp);
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
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
