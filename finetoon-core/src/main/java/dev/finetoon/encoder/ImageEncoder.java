package dev.finetoon.encoder;

import dev.finetoon.Tensor;

/**
 * A runnable pSp / e4e encoder: preprocessed faces to W+ in one forward pass, as the upstream wrapper's {@code
 * pSp.forward} computes it before the decoder. Open one with {@link Encoders#open(EncoderModel)}; close it to free
 * native memory.
 *
 * <pre>{@code
 * try (ImageEncoder e4e = Encoders.open(EncoderFiles.read(Path.of("e4e_ffhq_encode.pt")))) {
 *   Tensor ws = e4e.encode(EncoderInput.of(alignedFace)).ws(); // [1, 18, 512]
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe.
 */
public interface ImageEncoder extends AutoCloseable {
  /**
   * The encoder's output for its input.
   *
   * @param codes the encoder's raw output: {@code [N, rows, C]}, or {@code [N, C]} for one W
   * @param ws what the decoder draws: codes plus {@code latent_avg} (where the model starts from it), one W repeated
   *     over the decoder's rows, {@code [N, num_ws, C]}
   */
  record Encoding(Tensor codes, Tensor ws) {}

  EncoderModel model();

  /** Encodes {@code input} ({@code [N, 3, 256, 256]} in [-1, 1], see {@link EncoderInput}). */
  Encoding encode(Tensor input);

  @Override
  void close();
}
