package dev.finetoon.project;

import dev.finetoon.Backend;
import dev.finetoon.Device;
import dev.finetoon.Projector;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A service that opens {@link Projector} sessions, found by {@link dev.finetoon.Backends}: finetoon-train provides
 * {@code djl}. Host applications use {@link Projector#builder()}.
 */
public interface ProjectorBackend extends Backend {
  /**
   * A session that projects into {@code model}'s w space, comparing images with the TorchScript {@code featureNetwork}
   * (NVIDIA's {@code vgg16.pt} call convention).
   */
  Projector open(StyleGanModel model, Path featureNetwork, ProjectionOptions options, Device device)
      throws IOException;
}
