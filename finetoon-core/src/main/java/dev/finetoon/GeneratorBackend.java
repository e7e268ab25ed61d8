package dev.finetoon;

import dev.finetoon.model.StyleGanModel;

/**
 * A service that runs generators, found with {@link java.util.ServiceLoader} as DJL finds engines: finetoon-onnx
 * provides one. Host applications use {@link Generators} rather than this interface.
 */
public interface GeneratorBackend {
  /** A short name, e.g. {@code onnx}. */
  String name();

  /** Higher wins when several backends are on the class path. */
  default int priority() {
    return 0;
  }

  Generator open(StyleGanModel model, GeneratorOptions options);
}
