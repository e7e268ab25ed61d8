package dev.finetoon.encoder;

import dev.finetoon.Backends;
import dev.finetoon.GeneratorOptions;
import java.util.Optional;

/**
 * Opens {@link ImageEncoder}s on the encoder backend of the class path (finetoon-onnx).
 *
 * <pre>{@code
 * try (ImageEncoder encoder = Encoders.open(model, GeneratorOptions.DEFAULTS.withThreads(2))) { ... }
 * }</pre>
 */
public final class Encoders {
  private Encoders() {}

  public static ImageEncoder open(EncoderModel model) {
    return open(model, GeneratorOptions.DEFAULTS);
  }

  /** An encoder with the threads and device of {@code options}. */
  public static ImageEncoder open(EncoderModel model, GeneratorOptions options) {
    return Backends.find(EncoderBackend.class, Optional.empty(), "dev.finetoon:finetoon-onnx").open(model, options);
  }
}
