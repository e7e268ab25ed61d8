package dev.finetoon.spark;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;

/**
 * Where a location string names a file on this executor: a {@code file:} URI (as {@code binaryFile} gives photo
 * paths), a path (on a file system every executor mounts), or the name of a file the driver added with
 * {@code SparkContext.addFile}.
 */
final class Locations {
  private Locations() {}

  /**
   * The local file named by {@code location}.
   *
   * @throws NoSuchFileException where it is none of the three; the message says where it was looked for
   */
  static Path localFile(String location) throws NoSuchFileException {
    Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    if (Files.isRegularFile(path)) {
      return path;
    }
    if (!path.isAbsolute() && path.getNameCount() == 1) {
      Path distributed = Path.of(SparkFiles.get(location));
      if (Files.isRegularFile(distributed)) {
        return distributed;
      }
    }
    throw new NoSuchFileException(location, null, "not a file on this executor (" + path.toAbsolutePath()
        + "), nor one added with SparkContext.addFile; put models on a path every executor reads, or addFile them");
  }
}
