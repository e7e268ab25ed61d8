package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.finetoon.image.RgbImage;
import dev.finetoon.io.TorchScriptArchive;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.ProjectorBackend;
import dev.finetoon.project.RefinementOptions;
import dev.finetoon.resource.CachedResource;
import dev.finetoon.resource.ResourceResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A projection session, NVIDIA's {@code projector.py}: finds the w (and noise maps) with which a generator redraws a
 * target image. Opened once for a model, it keeps what every projection needs: the feature network, the
 * differentiable copy of the generator and the w statistics (10 000 mapped samples).
 *
 * <pre>{@code
 * try (Projector projector = Projector.builder().model(ffhq).build()) { // vgg16.pt from the resource cache
 *   Projection p = projector.project(alignedFace);                      // an RgbImage at the model's resolution
 *   p.writeNpz(Path.of("projected_w.npz"));
 * }
 * }</pre>
 *
 * <p>Thread-safe, one projection at a time: concurrent calls wait for each other. A host app that projects on several
 * threads at once opens one projector per thread (each holds its own copy of the networks).
 */
public interface Projector extends Inverter {
  /** The model projected into. */
  @Override
  StyleGanModel model();

  /** The settings every projection of this session uses. */
  ProjectionOptions options();

  /**
   * Projects {@code target} ({@code [1, C, R, R]}, values 0–255, R the model's resolution), reporting each step to
   * {@code listener}; a listener that returns false stops the projection after that step.
   */
  Projection project(Tensor target, ProjectionListener listener);

  /** Projects an image at the model's resolution. */
  default Projection project(RgbImage target) {
    return project(target.toTensor(), ProjectionListener.NONE);
  }

  /** {@link #project(Tensor, ProjectionListener)}: the {@link Inverter} view of a projector. */
  @Override
  default Projection invert(RgbImage aligned, ProjectionListener listener) {
    return project(aligned.toTensor(), listener);
  }

  /**
   * Optimises {@code start} ({@code [1, num_ws, w_dim]}, e.g. an encoder's W+) in W+ to redraw {@code target}
   * ({@code [1, C, R, R]}, values 0–255) more closely, by NVIDIA's LPIPS distance. The noise maps stay the model's own
   * (as the renderings of the result use them), so the noise regulariser is constant and left out. Returns the best
   * W+ seen, never one farther from the target than the start: {@code losses} holds the distance before every step,
   * {@code losses.get(0)} the start's; {@code wPerStep} the W+ before every step ({@code [num_ws, w_dim]}) where
   * {@code options.keepSteps()}.
   */
  Projection refine(Tensor target, Tensor start, RefinementOptions options, ProjectionListener listener);

  @Override
  void close();

  static Builder builder() {
    return new Builder();
  }

  /** Builder of a {@link Projector}: the model, the resources and the device; numbers go into the options. */
  final class Builder {
    private StyleGanModel model;
    private Path featureNetwork;
    private ResourceResolver resources;
    private ProjectionOptions options = ProjectionOptions.defaults();
    private Device device = Device.auto();
    private Optional<String> backend = Optional.empty();

    private Builder() {}

    /** The generator to project into (the human model). */
    public Builder model(StyleGanModel value) {
      this.model = checkNotNull(value, "model");
      return this;
    }

    /**
     * The LPIPS feature network, a TorchScript file with the call convention of NVIDIA's {@code vgg16.pt}. Default:
     * {@link CachedResource#LPIPS_VGG16} from {@link ResourceResolver#defaults()}.
     */
    public Builder featureNetwork(Path file) {
      this.featureNetwork = checkNotNull(file, "featureNetwork");
      return this;
    }

    /** Where the default feature network is looked up (and downloaded, unless offline). */
    public Builder resources(ResourceResolver value) {
      this.resources = checkNotNull(value, "resources");
      return this;
    }

    public Builder options(ProjectionOptions value) {
      this.options = checkNotNull(value, "options");
      return this;
    }

    public Builder device(Device value) {
      this.device = checkNotNull(value, "device");
      return this;
    }

    /** Asks for the projector backend of this name (default: the highest priority on the class path). */
    public Builder backend(String name) {
      checkArgument(!name.isBlank(), "backend name is blank");
      this.backend = Optional.of(name);
      return this;
    }

    /**
     * Opens the session: loads the feature network, copies the generator into the backend and computes the w
     * statistics.
     *
     * @throws NoSuchFileException where the feature network is missing (offline, or not downloaded)
     * @throws IOException where it cannot be read or downloaded
     */
    public Projector build() throws IOException {
      checkState(model != null, "set the model to project into");
      ProjectorBackend projectors = Backends.find(ProjectorBackend.class, backend, "dev.finetoon:finetoon-train");
      return projectors.open(model, resolveFeatureNetwork(), options, device);
    }

    /** The feature network's file: the one given (which must exist) or the cache's, downloaded if need be. */
    private Path resolveFeatureNetwork() throws IOException {
      if (featureNetwork == null) {
        return (resources != null ? resources : ResourceResolver.defaults()).resolve(CachedResource.LPIPS_VGG16);
      }
      if (!Files.isRegularFile(featureNetwork)) {
        throw new NoSuchFileException(featureNetwork.toString(), null,
            "no such LPIPS feature network (a TorchScript file like NVIDIA's metrics/vgg16.pt)");
      }
      if (!TorchScriptArchive.read(featureNetwork).takesReturnLpips()) {
        throw new ModelFormatException(featureNetwork + " is not an LPIPS feature network: its forward takes no"
            + " return_lpips, as NVIDIA's metrics/vgg16.pt does");
      }
      return featureNetwork;
    }
  }
}
