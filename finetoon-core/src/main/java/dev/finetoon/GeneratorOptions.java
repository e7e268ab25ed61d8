package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How a backend should run a generator.
 *
 * @param threads intra-op threads, 0 for the backend's default (all cores)
 * @param preferGpu use a GPU when the backend finds one (falls back to the CPU with a log line otherwise)
 */
public record GeneratorOptions(int threads, boolean preferGpu) {
  public static final GeneratorOptions DEFAULTS = new GeneratorOptions(0, true);

  public GeneratorOptions {
    checkArgument(threads >= 0, "threads must not be negative, got %s", threads);
  }

  public GeneratorOptions withThreads(int value) {
    return new GeneratorOptions(value, preferGpu);
  }

  public GeneratorOptions withPreferGpu(boolean value) {
    return new GeneratorOptions(threads, value);
  }
}
