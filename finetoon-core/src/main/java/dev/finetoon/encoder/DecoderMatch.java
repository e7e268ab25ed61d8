package dev.finetoon.encoder;

import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.Tensor;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.StyleGanModel;
import java.util.Arrays;
import java.util.Map;

/**
 * Whether a base model is the generator an encoder was trained for: the same sizes, and every weight the two share
 * ({@code mapping.w_avg} aside) equal up to float rounding (a file converted between formats keeps its values). An
 * encoder's codes for another generator mean little, so callers refuse by default.
 *
 * <pre>{@code
 * DecoderMatch.check(e4e.decoder(), ffhq); // throws IncompatibleModelsException naming the first difference
 * }</pre>
 */
public final class DecoderMatch {
  /** Relative tolerance: conversions between formats copy values, so anything above rounding is another model. */
  static final double TOLERANCE = 1e-5;

  private DecoderMatch() {}

  /** Throws where {@code base} is not {@code decoder}; the message names the mismatch and the way to allow it. */
  public static void check(StyleGanModel decoder, StyleGanModel base) {
    String difference = difference(decoder, base);
    if (difference != null) {
      throw new IncompatibleModelsException("the base model is not the encoder's decoder (" + difference
          + "): the encoder's codes are for its own decoder; invert into that one, or allow the mismatch explicitly"
          + " (EncoderInverter.Builder.allowDecoderMismatch(), CLI --allow-decoder-mismatch)");
    }
  }

  /** The first difference between the two, or null where there is none. */
  static String difference(StyleGanModel decoder, StyleGanModel base) {
    GeneratorConfig d = decoder.config();
    GeneratorConfig b = base.config();
    if (d.imgResolution() != b.imgResolution() || d.wDim() != b.wDim() || d.numWs() != b.numWs()) {
      return "decoder " + d.imgResolution() + "px w_dim " + d.wDim() + ", base " + b.imgResolution() + "px w_dim "
          + b.wDim();
    }
    int compared = 0;
    for (Map.Entry<String, Tensor> entry : decoder.tensors().entrySet()) {
      Tensor other = base.tensors().get(entry.getKey());
      // w_avg is a statistic that files carry or not (rows repeated, or estimated), not a weight
      if (other == null || !Arrays.equals(other.shape(), entry.getValue().shape())
          || entry.getKey().equals(LayerPlan.W_AVG)) {
        continue;
      }
      compared++;
      float scale = Math.max(1f, maxAbs(entry.getValue()));
      float diff = entry.getValue().maxAbsDifference(other);
      if (diff > TOLERANCE * scale) {
        return "tensor " + entry.getKey() + " differs by " + diff + " (max-abs)";
      }
    }
    return compared == 0 ? "no tensor of the same name and shape" : null;
  }

  private static float maxAbs(Tensor t) {
    float max = 0;
    for (float v : t.toArray()) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
