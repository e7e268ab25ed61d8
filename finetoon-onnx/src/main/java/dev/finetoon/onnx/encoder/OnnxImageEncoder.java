package dev.finetoon.onnx.encoder;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Tensor;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.encoder.EncoderNet;
import dev.finetoon.encoder.ImageEncoder;
import dev.finetoon.onnx.OnnxSession;
import dev.finetoon.onnx.SessionSettings;
import java.util.Map;

/**
 * A pSp / e4e encoder run by ONNX Runtime: one session for the whole network (see {@link EncoderGraph}).
 *
 * <pre>{@code
 * try (OnnxImageEncoder e4e = OnnxImageEncoder.open(model, SessionSettings.defaults())) {
 *   Tensor ws = e4e.encode(EncoderInput.of(face)).ws();
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may encode at once. {@link #close} must not race with running calls.
 */
public final class OnnxImageEncoder implements ImageEncoder {
  private final EncoderModel model;
  private final OnnxSession session;

  private OnnxImageEncoder(EncoderModel model, OnnxSession session) {
    this.model = model;
    this.session = session;
  }

  public static OnnxImageEncoder open(EncoderModel model, SessionSettings settings) {
    return new OnnxImageEncoder(model, OnnxSession.open(EncoderGraph.build(model, false), settings));
  }

  /**
   * The encoder with its intermediate maps as extra outputs: {@code c1}, {@code c2}, {@code c3}, {@code p2}, {@code
   * p1} and {@code style_outputs} (the style blocks' raw outputs), for layer-by-layer comparisons.
   */
  static Map<String, Tensor> trace(EncoderModel model, Tensor input) {
    try (OnnxSession traced = OnnxSession.open(EncoderGraph.build(model, true), SessionSettings.defaults())) {
      return traced.run(Map.of(EncoderGraph.INPUT, input));
    }
  }

  @Override
  public EncoderModel model() {
    return model;
  }

  @Override
  public Encoding encode(Tensor input) {
    int size = EncoderNet.INPUT_SIZE;
    checkArgument(input.rank() == 4 && input.dim(1) == 3 && input.dim(2) == size && input.dim(3) == size,
        "encoder input must be [N, 3, %s, %s] (see EncoderInput), got %s", size, size, input);
    Map<String, Tensor> out = session.run(Map.of(EncoderGraph.INPUT, input));
    return new Encoding(out.get(EncoderGraph.CODES), out.get(EncoderGraph.WS));
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "OnnxImageEncoder[" + model + ", " + session.provider() + "]";
  }
}
