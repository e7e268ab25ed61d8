package dev.finetoon.encoder;

import dev.finetoon.Tensor;
import dev.finetoon.image.PilResample;
import dev.finetoon.image.RgbImage;

/**
 * The encoders' input transform, both repositories' {@code EncodeTransforms['transform_inference']}: {@code
 * Resize((256, 256))} (PIL bilinear, antialiased when shrinking, aspect not kept; skipped at 256×256), {@code
 * ToTensor} ({@code v / 255}) and {@code Normalize([0.5]·3, [0.5]·3)} ({@code (v − 0.5) / 0.5}): {@code [1, 3, 256,
 * 256]} in [-1, 1]. Real use aligns the face first (FFHQ alignment).
 *
 * <pre>{@code
 * Tensor input = EncoderInput.of(alignedFace);
 * }</pre>
 */
public final class EncoderInput {
  private EncoderInput() {}

  /** The transformed image. */
  public static Tensor of(RgbImage photo) {
    int size = EncoderNet.INPUT_SIZE;
    RgbImage resized = PilResample.resize(photo, size, size, PilResample.Filter.BILINEAR);
    float[] pixels = resized.toTensor().toArray();
    for (int i = 0; i < pixels.length; i++) {
      // float32 throughout, as ToTensor and Normalize compute it
      pixels[i] = (pixels[i] / 255f - 0.5f) / 0.5f;
    }
    return Tensor.adopt(pixels, 1, 3, size, size);
  }
}
