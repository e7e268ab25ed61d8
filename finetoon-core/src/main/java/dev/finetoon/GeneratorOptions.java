package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * How a backend should run a generator.
 *
 * <pre>{@code
 * Generator g = Generators.open(model, GeneratorOptions.DEFAULTS.withThreads(1).withDevice(Device.cpu()));
 * }</pre>
 *
 * @param threads intra-op threads, 0 for the backend's default (all cores)
 * @param device where it runs (default {@link Device#auto()}: GPU 0 when the backend finds one, else the CPU)
 */
public record GeneratorOptions(int threads, Device device) {
  public static final GeneratorOptions DEFAULTS = new GeneratorOptions(0, Device.auto());

  public GeneratorOptions {
    checkArgument(threads >= 0, "threads must not be negative, got %s", threads);
    checkNotNull(device, "device");
  }

  public GeneratorOptions withThreads(int value) {
    return new GeneratorOptions(value, device);
  }

  public GeneratorOptions withDevice(Device value) {
    return new GeneratorOptions(threads, value);
  }
}
