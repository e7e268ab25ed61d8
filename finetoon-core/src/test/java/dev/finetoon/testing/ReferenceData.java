package dev.finetoon.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared/reference/tiny}: the models and outputs produced by NVIDIA's own code. Tests that need it
 * call {@link #tiny()}, which skips the test with a message where the folder is absent (a fresh clone elsewhere).
 */
public final class ReferenceData {
  private ReferenceData() {}

  /** The shared folder: system property {@code finetoon.shared} (set by the build), else {@code ../shared}. */
  public static Path shared() {
    String configured = System.getProperty("finetoon.shared");
    Path candidate = configured != null ? Path.of(configured) : Path.of("..", "shared");
    if (!Files.isDirectory(candidate)) {
      candidate = Path.of("..", "..", "shared");
    }
    return candidate.toAbsolutePath().normalize();
  }

  /** {@code shared/reference/tiny}, or the test is skipped with a message saying why. */
  public static Path tiny() {
    Path tiny = shared().resolve("reference").resolve("tiny");
    assumeTrue(
        Files.isRegularFile(tiny.resolve("tiny.json")),
        "skipped: NVIDIA reference data not found at " + tiny + " (expected ../shared beside the checkout)");
    return tiny;
  }

  /** {@code shared/reference/formats} (the other file formats' models and outputs), or the test is skipped. */
  public static Path formats() {
    Path formats = shared().resolve("reference").resolve("formats");
    assumeTrue(
        Files.isRegularFile(formats.resolve("shared.json")),
        "skipped: file-format reference data not found at " + formats + " (expected ../shared beside the checkout)");
    return formats;
  }

  /** A file in the formats reference folder (skips when absent). */
  public static Path formats(String name) {
    return formats().resolve(name);
  }

  /** A file in the tiny reference folder (skips when absent). */
  public static Path tiny(String name) {
    return tiny().resolve(name);
  }
}
