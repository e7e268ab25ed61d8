package dev.finetoon;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.finetoon.encoder.DecoderMatch;
import dev.finetoon.encoder.EncoderInput;
import dev.finetoon.encoder.EncoderModel;
import dev.finetoon.encoder.Encoders;
import dev.finetoon.encoder.ImageEncoder;
import dev.finetoon.image.Lanczos;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.RefinementOptions;
import dev.finetoon.resource.ResourceResolver;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Inversion with a pSp / e4e encoder: the aligned face is resized to 256² and normalised as the repositories do, and
 * one forward pass gives its W+ ({@code latent_avg} added). With {@link Builder#refine}, that W+ is the start of a
 * short W+ optimisation ({@link Projector#refine}) that only ever keeps an improvement: the encoder's result is step
 * 0, and the result is never farther from the photo than it.
 *
 * <pre>{@code
 * EncoderModel e4e = EncoderFiles.read(Path.of("e4e_ffhq_encode.pt"));
 * try (Inverter inverter = EncoderInverter.builder().encoder(e4e).base(ffhq)
 *     .refine(RefinementOptions.defaults().withSteps(20)).build()) {
 *   Projection p = inverter.invert(alignedFace); // p.ws() [18, 512]; p.losses(): the distance before each step
 * }
 * }</pre>
 *
 * <p>The base must be the encoder's decoder (the generator its codes were trained for): another base is refused with
 * {@link IncompatibleModelsException} unless {@link Builder#allowDecoderMismatch()}. Thread-safe; refinements run
 * one at a time.
 */
public final class EncoderInverter implements Inverter {
  private final StyleGanModel base;
  private final ImageEncoder encoder;
  private final Projector refiner;
  private final RefinementOptions refinement;

  private EncoderInverter(StyleGanModel base, ImageEncoder encoder, Projector refiner, RefinementOptions refinement) {
    this.base = base;
    this.encoder = encoder;
    this.refiner = refiner;
    this.refinement = refinement;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public StyleGanModel model() {
    return base;
  }

  /** The encoder's checkpoint. */
  public EncoderModel encoderModel() {
    return encoder.model();
  }

  /** The encoder's W+ for an aligned face of any size, {@code [num_ws, w_dim]}: step 0, without refinement. */
  public Tensor encode(RgbImage aligned) {
    Tensor ws = encoder.encode(EncoderInput.of(aligned)).ws();
    return ws.reshape(ws.dim(1), ws.dim(2));
  }

  /**
   * The encoder's W+ for an aligned face of any size, refined where the builder asked for it; the refinement compares
   * the base's renderings with the face resized (Lanczos) to the base's resolution.
   */
  @Override
  public Projection invert(RgbImage aligned, ProjectionListener listener) {
    Tensor ws = encode(aligned);
    if (refiner == null) {
      return Projection.of(ws);
    }
    int r = base.config().imgResolution();
    RgbImage target = Lanczos.resize(aligned, r, r);
    return refiner.refine(target.toTensor(), ws.reshape(1, ws.dim(0), ws.dim(1)), refinement, listener);
  }

  @Override
  public void close() {
    try {
      encoder.close();
    } finally {
      if (refiner != null) {
        refiner.close();
      }
    }
  }

  /** Builder of an {@link EncoderInverter}: only the encoder is required. */
  public static final class Builder {
    private EncoderModel encoder;
    private StyleGanModel base;
    private boolean allowMismatch;
    private RefinementOptions refinement = RefinementOptions.defaults().withSteps(0);
    private final Projector.Builder projector = Projector.builder();
    private GeneratorOptions generatorOptions = GeneratorOptions.DEFAULTS;

    private Builder() {}

    public Builder encoder(EncoderModel value) {
      this.encoder = checkNotNull(value, "encoder");
      return this;
    }

    /** The generator the results are drawn with and refined in (default: the encoder's own decoder). */
    public Builder base(StyleGanModel value) {
      this.base = checkNotNull(value, "base");
      return this;
    }

    /** Invert into a base other than the encoder's decoder (its codes then mean little there). */
    public Builder allowDecoderMismatch() {
      this.allowMismatch = true;
      return this;
    }

    /** Refine the encoder's W+ by a W+ optimisation; {@code withSteps(0)} (the default) is encoder-only. */
    public Builder refine(RefinementOptions options) {
      this.refinement = checkNotNull(options, "options");
      return this;
    }

    /** The LPIPS feature network of the refinement (default: the resource cache's {@code vgg16.pt}). */
    public Builder featureNetwork(Path file) {
      projector.featureNetwork(file);
      return this;
    }

    public Builder resources(ResourceResolver resolver) {
      projector.resources(resolver);
      return this;
    }

    /** Threads and device of the encoder (and, its device, of the refinement). */
    public Builder generatorOptions(GeneratorOptions options) {
      this.generatorOptions = checkNotNull(options, "options");
      projector.device(options.device());
      return this;
    }

    /**
     * Opens the encoder and, when refining, a {@link Projector} on the base.
     *
     * @throws IncompatibleModelsException where the base is not the encoder's decoder (unless allowed)
     * @throws java.nio.file.NoSuchFileException where refining and the feature network is missing
     */
    public EncoderInverter build() throws IOException {
      checkState(encoder != null, "set the encoder");
      StyleGanModel target = base != null ? base : encoder.decoder();
      if (!allowMismatch) {
        DecoderMatch.check(encoder.decoder(), target);
      }
      Projector refiner = refinement.steps() > 0 ? projector.model(target).build() : null;
      try {
        return new EncoderInverter(target, Encoders.open(encoder, generatorOptions), refiner, refinement);
      } catch (RuntimeException e) {
        if (refiner != null) {
          refiner.close();
        }
        throw e;
      }
    }
  }
}
