package dev.finetoon.project;

import dev.finetoon.Tensor;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;

/**
 * A service that projects images into a generator's latent space, found with {@link java.util.ServiceLoader}:
 * finetoon-train provides one. Host applications use {@code Toonifier} or the backend's own {@code Projector}.
 */
public interface ProjectorBackend {
  /**
   * Projects {@code target} ({@code [1, 3, R, R]}, values 0–255, R the model's resolution) into {@code model}'s
   * w space.
   */
  Projection project(StyleGanModel model, Tensor target, ProjectionOptions options, ProjectionListener listener)
      throws IOException;
}
