package dev.finetoon.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks an output path before a command starts its work, so that a long run never fails at its end on a path that
 * could not have been written. Existing files are replaced (each command's help says so).
 */
final class OutputPaths {
  private OutputPaths() {}

  /** {@code file} (of {@code option}) can be written: not a folder, not under a file. Null passes. */
  static void checkFile(String option, Path file) {
    if (file == null) {
      return;
    }
    checkArgument(!Files.isDirectory(file) && !file.toString().endsWith("/"),
        "%s %s is a folder; give a file name", option, file);
    checkUnderFolders(option, file.toAbsolutePath().getParent(), file);
  }

  /** {@code dir} (of {@code option}) is a folder or can be made one. Null passes. */
  static void checkFolder(String option, Path dir) {
    if (dir == null) {
      return;
    }
    checkArgument(!Files.exists(dir) || Files.isDirectory(dir), "%s %s is a file, not a folder", option, dir);
    checkUnderFolders(option, dir.toAbsolutePath().getParent(), dir);
  }

  /** The lower-case extension of {@code file}'s name, or "" without one. */
  static String extension(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The nearest existing ancestor must be a folder, else the path cannot be made. */
  private static void checkUnderFolders(String option, Path parent, Path given) {
    for (Path p = parent; p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        checkArgument(Files.isDirectory(p), "%s %s: %s is a file, not a folder", option, given, p);
        return;
      }
    }
  }
}
