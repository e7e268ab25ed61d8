package dev.finetoon;

import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionListener;

/**
 * Finds the latent with which a generator redraws an aligned face: NVIDIA's optimisation ({@link Projector}, about a
 * thousand steps), a pSp / e4e encoder in one forward pass, or the encoder's W+ refined by a short optimisation
 * ({@link EncoderInverter}).
 *
 * <pre>{@code
 * try (Inverter e4e = EncoderInverter.builder().encoder(EncoderFiles.read(Path.of("e4e_ffhq_encode.pt"))).build()) {
 *   Projection p = e4e.invert(alignedFace);   // p.ws(): [num_ws, w_dim]
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe.
 */
public interface Inverter extends AutoCloseable {
  /** The generator whose latent space the results are in. */
  StyleGanModel model();

  /**
   * Inverts an aligned face at the model's resolution, reporting optimisation steps (if any) to {@code listener}; a
   * listener that returns false stops after that step.
   */
  Projection invert(RgbImage aligned, ProjectionListener listener);

  default Projection invert(RgbImage aligned) {
    return invert(aligned, ProjectionListener.NONE);
  }

  @Override
  void close();
}
