package dev.finetoon.project;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.Tensor;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpzFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The result of projecting an image into a generator's latent space.
 *
 * @param ws the projected latent, {@code [num_ws, w_dim]} (one w repeated, as NVIDIA's projector returns it; rows
 *     differ after an encoder or a W+ refinement)
 * @param wPerStep the w after every step, {@code [w_dim]} each, when asked for (else empty); for a W+ refinement the
 *     W+ before every step, {@code [num_ws, w_dim]}, the first being the start
 * @param losses the loss (LPIPS distance + weighted noise regularisation) at every step; for a W+ refinement the
 *     distance before every step, the first being the start's; empty for an encoder's one pass
 * @param noise the tuned {@code noise_const} buffers by name
 */
public record Projection(Tensor ws, List<Tensor> wPerStep, List<Double> losses, Map<String, Tensor> noise) {
  public Projection {
    wPerStep = ImmutableList.copyOf(wPerStep);
    losses = ImmutableList.copyOf(losses);
    noise = ImmutableMap.copyOf(noise);
  }

  /** A result without optimisation steps (an encoder's one pass). */
  public static Projection of(Tensor ws) {
    return new Projection(ws, List.of(), List.of(), Map.of());
  }

  /** Writes {@code ws} as NVIDIA's {@code projected_w.npz}: key {@code w}, shape {@code [1, num_ws, w_dim]}. */
  public void writeNpz(Path file) throws IOException {
    NpzFile.write(file, Map.of("w", NpyArray.of(ws.reshape(1, ws.dim(0), ws.dim(1)))));
  }
}
