package dev.finetoon.onnx.encoder;

import dev.finetoon.GeneratorOptions;
import dev.finetoon.encoder.EncoderBackend;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.encoder.ImageEncoder;
import dev.finetoon.onnx.SessionSettings;

/** The ONNX Runtime {@link EncoderBackend}, {@code onnx}, registered for {@link java.util.ServiceLoader}. */
public final class OnnxEncoderBackend implements EncoderBackend {
  @Override
  public String name() {
    return "onnx";
  }

  @Override
  public ImageEncoder open(EncoderModel model, GeneratorOptions options) {
    return OnnxImageEncoder.open(model, SessionSettings.of(options));
  }
}
