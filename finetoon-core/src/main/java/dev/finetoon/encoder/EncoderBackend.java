package dev.finetoon.encoder;

import dev.finetoon.Backend;
import dev.finetoon.GeneratorOptions;

/**
 * A service that runs encoders, found by {@link dev.finetoon.Backends}: finetoon-onnx provides {@code onnx}. Host
 * applications use {@link Encoders}.
 */
public interface EncoderBackend extends Backend {
  ImageEncoder open(EncoderModel model, GeneratorOptions options);
}
