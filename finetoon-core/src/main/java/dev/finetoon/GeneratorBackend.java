package dev.finetoon;

import dev.finetoon.model.StyleGanModel;

/**
 * A service that runs generators, found by {@link Backends}: finetoon-onnx provides {@code onnx}. Host applications
 * use {@link Generators} rather than this interface.
 */
public interface GeneratorBackend extends Backend {
  Generator open(StyleGanModel model, GeneratorOptions options);
}
