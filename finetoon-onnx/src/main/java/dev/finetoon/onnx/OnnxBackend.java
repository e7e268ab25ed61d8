package dev.finetoon.onnx;

import dev.finetoon.Generator;
import dev.finetoon.GeneratorBackend;
import dev.finetoon.GeneratorOptions;
import dev.finetoon.model.StyleGanModel;

/** The ONNX Runtime {@link GeneratorBackend}, registered for {@link java.util.ServiceLoader}. */
public final class OnnxBackend implements GeneratorBackend {
  @Override
  public String name() {
    return "onnx";
  }

  @Override
  public Generator open(StyleGanModel model, GeneratorOptions options) {
    return OnnxGenerator.open(model, SessionSettings.of(options));
  }
}
