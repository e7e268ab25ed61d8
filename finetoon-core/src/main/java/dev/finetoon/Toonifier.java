package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.finetoon.face.FaceLandmarker;
import dev.finetoon.face.FfhqAligner;
import dev.finetoon.image.CenterCrop;
import dev.finetoon.image.Images;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.project.ProjectorBackend;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A photo in, a realistic cartoon of that person out: the photo is aligned (FFHQ-style from landmarks, else centre
 * cropped) and resized to the generators' resolution, projected into the human model's latent space, and the
 * projected w is redrawn by the blended (or fine-tuned) model.
 *
 * <pre>{@code
 * try (Toonifier toonifier = Toonifier.builder()
 *     .base(ffhq)
 *     .blend(webtoon, 64, 128, 256)
 *     .projection(ProjectionOptions.defaults(Path.of("vgg16.pt")))
 *     .build()) {
 *   Toonifier.Result result = toonifier.toonify(Path.of("me.jpg"));
 *   Images.writePng(result.toonified(), Path.of("me-toon.png"));
 * }
 * }</pre>
 *
 * <p>Immutable once built and safe to use from several threads (each call projects on its own). Needs a generator
 * backend (finetoon-onnx) and a projector backend (finetoon-train) on the class path.
 */
public final class Toonifier implements AutoCloseable {
  private final StyleGanModel base;
  private final Generator human;
  private final Generator toon;
  private final ProjectorBackend projector;
  private final ProjectionOptions projection;
  private final FaceLandmarker landmarker;
  private final PhotoReader photos;

  /**
   * What {@link #toonify} made.
   *
   * @param target the aligned, resized photo that was projected
   * @param reconstruction the human model's rendering of the projected w (how well the projection fits)
   * @param toonified the blended model's rendering of the projected w
   */
  public record Result(
      BufferedImage target, BufferedImage reconstruction, BufferedImage toonified, Projection projection,
      Duration projectionTime, Duration renderTime) {}

  private Toonifier(Builder b, StyleGanModel toonModel) {
    this.base = b.base;
    this.projection = b.projection;
    this.landmarker = b.landmarker;
    this.photos = b.photos;
    this.projector = ServiceLoader.load(ProjectorBackend.class).findFirst().orElseThrow(
        () -> new FinetoonException("no projector backend on the class path: add dev.finetoon:finetoon-train"));
    this.human = Generators.open(base, b.generatorOptions);
    try {
      this.toon = Generators.open(toonModel, b.generatorOptions);
    } catch (RuntimeException e) {
      human.close();
      throw e;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Toonifies a photo file (PNG, JPEG, …; EXIF orientation honoured). */
  public Result toonify(Path photo) throws IOException {
    return toonify(photos.read(photo), ProjectionListener.NONE);
  }

  /** Toonifies a decoded photo, reporting projection progress to {@code listener}. */
  public Result toonify(RgbImage photo, ProjectionListener listener) throws IOException {
    int resolution = base.config().imgResolution();
    RgbImage aligned = landmarker == null
        ? CenterCrop.resized(photo, resolution)
        : landmarker.locate(photo)
            .map(face -> FfhqAligner.of(resolution).align(photo, face))
            .orElseGet(() -> CenterCrop.resized(photo, resolution));
    long start = System.nanoTime();
    Projection projected = projector.project(base, aligned.toTensor(), projection, listener);
    long projectedAt = System.nanoTime();
    Tensor ws = projected.ws().reshape(1, projected.ws().dim(0), projected.ws().dim(1));
    BufferedImage toonified = Images.toImages(toon.synthesis(ws, Noise.CONST)).get(0);
    long renderedAt = System.nanoTime();
    BufferedImage reconstruction = Images.toImages(human.synthesis(ws, Noise.CONST)).get(0);
    return new Result(aligned.toBufferedImage(), reconstruction, toonified, projected,
        Duration.ofNanos(projectedAt - start), Duration.ofNanos(renderedAt - projectedAt));
  }

  /** The model that draws the cartoons. */
  public StyleGanModel toonModel() {
    return toon.model();
  }

  @Override
  public void close() {
    human.close();
    toon.close();
  }

  /** Builder of a {@link Toonifier}. */
  public static final class Builder {
    private StyleGanModel base;
    private StyleGanModel donor;
    private Map<Integer, Double> alphas;
    private StyleGanModel fineTuned;
    private ProjectionOptions projection;
    private FaceLandmarker landmarker;
    private PhotoReader photos = PhotoReader.defaults();
    private GeneratorOptions generatorOptions = GeneratorOptions.DEFAULTS;

    /** The human model: photos are projected into its latent space. */
    public Builder base(StyleGanModel model) {
      this.base = model;
      return this;
    }

    /** Draw with the base whose blocks at these resolutions come from the toon model. */
    public Builder blend(StyleGanModel toonModel, int... resolutions) {
      checkArgument(resolutions.length > 0, "name the block resolutions to take from the toon model");
      Map<Integer, Double> swap = new LinkedHashMap<>();
      for (int r : resolutions) {
        swap.put(r, 1.0);
      }
      return blend(toonModel, swap);
    }

    /** Draw with the base interpolated toward the toon model by α per block resolution. */
    public Builder blend(StyleGanModel toonModel, Map<Integer, Double> alphaByResolution) {
      this.donor = toonModel;
      this.alphas = Map.copyOf(alphaByResolution);
      return this;
    }

    /** Draw with an already blended or fine-tuned model instead of a blend. */
    public Builder fineTuned(StyleGanModel model) {
      this.fineTuned = model;
      return this;
    }

    /** Projection settings, including the LPIPS feature network (required). */
    public Builder projection(ProjectionOptions options) {
      this.projection = options;
      return this;
    }

    /** Finds faces for FFHQ alignment; without one, photos are centre cropped. */
    public Builder landmarker(FaceLandmarker value) {
      this.landmarker = value;
      return this;
    }

    /** How photos are decoded (pixel limit, EXIF). */
    public Builder photos(PhotoReader reader) {
      this.photos = reader;
      return this;
    }

    /** Threads and GPU preference of the generators. */
    public Builder generatorOptions(GeneratorOptions options) {
      this.generatorOptions = options;
      return this;
    }

    public Toonifier build() {
      checkState(base != null, "set the base (human) model");
      checkState(projection != null, "set the projection options (they name the LPIPS feature network)");
      checkState(fineTuned != null ^ donor != null, "set exactly one of blend(...) and fineTuned(...)");
      StyleGanModel toonModel = fineTuned != null ? fineTuned : LayerBlender.interpolate(base, donor, alphas);
      checkArgument(
          toonModel.config().imgResolution() == base.config().imgResolution()
              && toonModel.config().wDim() == base.config().wDim(),
          "the toon model must share the base model's resolution and w_dim");
      return new Toonifier(this, toonModel);
    }
  }
}
