package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.finetoon.face.FaceDetectorBackend;
import dev.finetoon.face.FaceLandmarker;
import dev.finetoon.face.FaceLandmarks;
import dev.finetoon.face.FfhqAligner;
import dev.finetoon.face.NoFaceFoundException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A photo in, a realistic cartoon of that person out: the face is found and aligned FFHQ-style (by the built-in
 * detector, given landmarks, or — with {@link Builder#centreCrop} — not at all) and resized to the generators'
 * resolution, projected into the human model's latent space, and the projected w is redrawn by the blended (or
 * fine-tuned) model.
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
  private final AutoCloseable ownedLandmarker;
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

  private Toonifier(Builder b, StyleGanModel toonModel, FaceLandmarker landmarker, AutoCloseable ownedLandmarker) {
    this.base = b.base;
    this.projection = b.projection;
    this.landmarker = landmarker;
    this.ownedLandmarker = ownedLandmarker;
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

  /** Toonifies the main (largest) face of a photo file (PNG, JPEG, …; EXIF orientation honoured). */
  public Result toonify(Path photo) throws IOException {
    return toonify(photos.read(photo), ProjectionListener.NONE);
  }

  /**
   * Toonifies the main (largest) face of a decoded photo, reporting projection progress to {@code listener}.
   *
   * @throws NoFaceFoundException where the photo shows no face (unless built with {@link Builder#centreCrop})
   */
  public Result toonify(RgbImage photo, ProjectionListener listener) throws IOException {
    int resolution = base.config().imgResolution();
    if (landmarker == null) {
      return toonifyAligned(CenterCrop.resized(photo, resolution), listener);
    }
    FaceLandmarks face = landmarker.locate(photo).orElseThrow(() -> noFace(photo));
    return toonifyAligned(FfhqAligner.of(resolution).align(photo, face), listener);
  }

  /**
   * Toonifies every face of a photo, the largest first: one result per face.
   *
   * @throws NoFaceFoundException where the photo shows no face (unless built with {@link Builder#centreCrop})
   */
  public List<Result> toonifyAll(RgbImage photo, ProjectionListener listener) throws IOException {
    if (landmarker == null) {
      return List.of(toonify(photo, listener));
    }
    List<FaceLandmarks> faces = landmarker.locateAll(photo);
    if (faces.isEmpty()) {
      throw noFace(photo);
    }
    List<Result> results = new ArrayList<>();
    for (FaceLandmarks face : faces) {
      results.add(toonifyAligned(FfhqAligner.of(base.config().imgResolution()).align(photo, face), listener));
    }
    return results;
  }

  private static NoFaceFoundException noFace(RgbImage photo) {
    return new NoFaceFoundException("no face found in the " + photo.width() + "x" + photo.height()
        + " photo; give its landmarks, or build the Toonifier with centreCrop() to project the whole photo");
  }

  private Result toonifyAligned(RgbImage aligned, ProjectionListener listener) throws IOException {
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
    if (ownedLandmarker != null) {
      try {
        ownedLandmarker.close();
      } catch (Exception e) {
        throw new FinetoonException("could not close the face detector", e);
      }
    }
  }

  /** Builder of a {@link Toonifier}. */
  public static final class Builder {
    private StyleGanModel base;
    private StyleGanModel donor;
    private Map<Integer, Double> alphas;
    private StyleGanModel fineTuned;
    private ProjectionOptions projection;
    private FaceLandmarker landmarker;
    private boolean centreCrop;
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

    /**
     * Finds faces for FFHQ alignment. The default is the built-in detector ({@link FaceDetectorBackend}, from
     * finetoon-onnx: face-api.js's networks).
     */
    public Builder landmarker(FaceLandmarker value) {
      this.landmarker = checkNotNull(value, "landmarker");
      this.centreCrop = false;
      return this;
    }

    /** No face detection: photos are centre cropped and resized, as NVIDIA's projector prepares them. */
    public Builder centreCrop() {
      this.landmarker = null;
      this.centreCrop = true;
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
      if (centreCrop || landmarker != null) {
        return new Toonifier(this, toonModel, landmarker, null);
      }
      FaceDetectorBackend.CloseableFaceLandmarker detector;
      try {
        detector = FaceDetectorBackend.load().open();
      } catch (IOException e) {
        throw new FinetoonException("could not open the built-in face detector", e);
      }
      try {
        return new Toonifier(this, toonModel, detector, detector);
      } catch (RuntimeException e) {
        detector.close();
        throw e;
      }
    }
  }
}
