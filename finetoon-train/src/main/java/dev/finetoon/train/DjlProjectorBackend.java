package dev.finetoon.train;

import dev.finetoon.Tensor;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.ProjectorBackend;
import java.io.IOException;

/** The DJL {@link ProjectorBackend}, registered for {@link java.util.ServiceLoader}. */
public final class DjlProjectorBackend implements ProjectorBackend {
  @Override
  public Projection project(StyleGanModel model, Tensor target, ProjectionOptions options, ProjectionListener listener)
      throws IOException {
    try (Projector projector = Projector.create(model, options)) {
      return projector.project(target, listener);
    }
  }
}
