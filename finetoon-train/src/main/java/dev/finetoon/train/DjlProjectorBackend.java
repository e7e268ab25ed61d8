package dev.finetoon.train;

import dev.finetoon.Device;
import dev.finetoon.Projector;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.ProjectorBackend;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The DJL (PyTorch) {@link ProjectorBackend}, {@code djl}, registered for {@link java.util.ServiceLoader}. Host
 * applications open projectors with {@link Projector#builder()}; {@link #open(StyleGanModel, ProjectionOptions,
 * FeatureNetwork, Device)} is for a feature network of their own.
 */
public final class DjlProjectorBackend implements ProjectorBackend {
  @Override
  public String name() {
    return "djl";
  }

  @Override
  public Projector open(StyleGanModel model, Path featureNetwork, ProjectionOptions options, Device device)
      throws IOException {
    ai.djl.Device on = DjlDevices.of(device);
    return open(model, options, LpipsFeatures.load(featureNetwork, on), on);
  }

  /**
   * A projector comparing images with {@code features} (which it closes) instead of a TorchScript file.
   *
   * <pre>{@code
   * try (Projector p = DjlProjectorBackend.open(model, ProjectionOptions.defaults(), myFeatures, Device.cpu())) { }
   * }</pre>
   */
  public static Projector open(StyleGanModel model, ProjectionOptions options, FeatureNetwork features, Device device) {
    return open(model, options, features, DjlDevices.of(device));
  }

  private static Projector open(StyleGanModel model, ProjectionOptions options, FeatureNetwork features,
      ai.djl.Device device) {
    try {
      return new DjlProjector(model, options, features, device);
    } catch (RuntimeException e) {
      features.close();
      throw e;
    }
  }
}
