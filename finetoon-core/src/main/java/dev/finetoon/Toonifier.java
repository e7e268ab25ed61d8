package dev.finetoon;

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
import dev.finetoon.resource.ResourceResolver;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A photo in, a realistic cartoon of that person out: the face is found and aligned FFHQ-style (by the built-in
 * detector, given landmarks, or — with {@link Builder#centreCrop} — not at all) and resized to the generators'
 * resolution, projected into the human model's latent space, and the projected w is redrawn by the blended (or
 * fine-tuned) model.
 *
 * <pre>{@code
 * try (Toonifier toonifier = Toonifier.builder().base(ffhq).blend(webtoon, 64, 128, 256).build()) {
 *   Toonifier.Result result = toonifier.toonify(Path.of("me.jpg")); // or a BufferedImage, or an RgbImage
 *   Images.writePng(result.toonified(), Path.of("me-toon.png"));
 * }
 * }</pre>
 *
 * <p>A session: {@link Builder#build()} opens the generators, the face detector and a {@link Projector} (feature
 * network, differentiable generator, w statistics) once, and every photo reuses them. Thread-safe; projections run one
 * at a time on the shared projector, so a host app that toonifies on several threads at once opens one Toonifier per
 * thread. Needs a generator backend (finetoon-onnx) and a projector backend (finetoon-train) on the class path.
 *
 * <p>With {@link Builder#inverter}, photos are inverted by that instead, e.g. a pSp / e4e encoder in one forward pass
 * (well under a second where the projection takes minutes):
 *
 * <pre>{@code
 * try (EncoderInverter e4e = EncoderInverter.builder().encoder(EncoderFiles.read(e4ePt)).base(ffhq).build();
 *     Toonifier toonifier = Toonifier.builder().base(ffhq).fineTuned(toon).inverter(e4e).build()) {
 *   Toonifier.Result result = toonifier.toonify(Path.of("me.jpg"));
 * }
 * }</pre>
 */
public final class Toonifier implements AutoCloseable {
  private final StyleGanModel base;
  private final Generator human;
  private final Generator toon;
  private final Inverter inverter;
  private final FaceLandmarker landmarker;
  private final PhotoReader photos;
  private final List<AutoCloseable> owned;

  /**
   * What {@link #toonify} made.
   *
   * @param target the aligned, resized photo that was projected
   * @param reconstruction the human model's rendering of the projected w (how well the projection fits)
   * @param toonified the blended model's rendering of the projected w
   * @param projection the inversion's result (NVIDIA's projection, or an encoder's W+, refined or not)
   * @param projectionTime how long the inversion took
   */
  public record Result(
      BufferedImage target, BufferedImage reconstruction, BufferedImage toonified, Projection projection,
      Duration projectionTime, Duration renderTime) {}

  private Toonifier(
      StyleGanModel base, Generator human, Generator toon, Inverter inverter, FaceLandmarker landmarker,
      PhotoReader photos, List<AutoCloseable> owned) {
    this.base = base;
    this.human = human;
    this.toon = toon;
    this.inverter = inverter;
    this.landmarker = landmarker;
    this.photos = photos;
    this.owned = owned;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Toonifies the main face of a photo file (PNG, JPEG, …; EXIF orientation honoured).
   *
   * @throws java.nio.file.NoSuchFileException where the file is missing
   * @throws dev.finetoon.image.ImageFormatException where it is no photo finetoon can decode
   * @throws NoFaceFoundException where the photo shows no face (unless built with {@link Builder#centreCrop})
   */
  public Result toonify(Path photo) throws IOException {
    return toonify(photos.read(photo), ProjectionListener.NONE);
  }

  /** Toonifies the main face of a decoded photo; see {@link #toonify(Path)}. */
  public Result toonify(BufferedImage photo) throws IOException {
    return toonify(RgbImage.from(photo), ProjectionListener.NONE);
  }

  /** Toonifies the main face of a decoded photo; see {@link #toonify(Path)}. */
  public Result toonify(RgbImage photo) throws IOException {
    return toonify(photo, ProjectionListener.NONE);
  }

  /**
   * Toonifies the main face (frontal and well landmarked over merely large: {@link
   * dev.finetoon.face.MainFace}) of a decoded photo, reporting projection progress to {@code listener} (which
   * may stop it early by returning false).
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
   * Toonifies every face of a photo, the main face first: one result per face.
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

  private Result toonifyAligned(RgbImage aligned, ProjectionListener listener) {
    long start = System.nanoTime();
    Projection projected = inverter.invert(aligned, listener);
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

  /**
   * Closes the generators, the projector and the built-in face detector (a landmarker or inverter given stays the
   * caller's).
   */
  @Override
  public void close() {
    closeAll(owned);
  }

  /** Closes each, the last opened first; the first failure is thrown with the others suppressed. */
  private static void closeAll(List<AutoCloseable> resources) {
    FinetoonException failure = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new FinetoonException("could not close " + resources.get(i), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static boolean sameSizes(StyleGanModel a, StyleGanModel b) {
    return a.config().imgResolution() == b.config().imgResolution() && a.config().wDim() == b.config().wDim()
        && a.config().numWs() == b.config().numWs();
  }

  /**
   * Builder of a {@link Toonifier}. Only the base and the toon model are required: the LPIPS feature network comes
   * from {@link ResourceResolver#defaults()} unless given, the projection settings are NVIDIA's, the device is
   * {@link Device#auto()}.
   */
  public static final class Builder {
    private StyleGanModel base;
    private StyleGanModel donor;
    private LayerBlender recipe;
    private StyleGanModel fineTuned;
    private final Projector.Builder projection = Projector.builder();
    private Inverter inverter;
    private FaceLandmarker landmarker;
    private boolean centreCrop;
    private PhotoReader photos = PhotoReader.defaults();
    private GeneratorOptions generatorOptions = GeneratorOptions.DEFAULTS;
    private Device device;

    private Builder() {}

    /** The human model: photos are projected into its latent space. */
    public Builder base(StyleGanModel model) {
      this.base = checkNotNull(model, "base");
      return this;
    }

    /** Draw with the base whose blocks at these resolutions come from the toon model. */
    public Builder blend(StyleGanModel toonModel, int... resolutions) {
      return blend(toonModel, LayerBlender.swap(resolutions));
    }

    /** Draw with the base interpolated toward the toon model by α per block resolution. */
    public Builder blend(StyleGanModel toonModel, Map<Integer, Double> alphaByResolution) {
      return blend(toonModel, LayerBlender.interpolate(alphaByResolution));
    }

    /** Draw with the base blended with the toon model by {@code recipe}. */
    public Builder blend(StyleGanModel toonModel, LayerBlender blend) {
      this.donor = checkNotNull(toonModel, "toonModel");
      this.recipe = checkNotNull(blend, "blend");
      return this;
    }

    /** Draw with an already blended or fine-tuned model instead of a blend. */
    public Builder fineTuned(StyleGanModel model) {
      this.fineTuned = checkNotNull(model, "model");
      return this;
    }

    /** The LPIPS feature network (a TorchScript file like NVIDIA's {@code vgg16.pt}) instead of the cached one. */
    public Builder featureNetwork(Path file) {
      projection.featureNetwork(file);
      return this;
    }

    /** Where the default feature network is looked up and downloaded (default {@link ResourceResolver#defaults()}). */
    public Builder resources(ResourceResolver resolver) {
      projection.resources(resolver);
      return this;
    }

    /** Projection settings (steps, seed, …); default NVIDIA's. */
    public Builder projection(ProjectionOptions options) {
      projection.options(options);
      return this;
    }

    /**
     * Invert photos with {@code value} (e.g. an {@link EncoderInverter}: one forward pass, optionally refined) instead
     * of NVIDIA's projection; its model must be the base. It stays the caller's to close; no feature network is
     * needed unless it needs one.
     */
    public Builder inverter(Inverter value) {
      this.inverter = checkNotNull(value, "inverter");
      return this;
    }

    /** Where the projector and the generators run (default {@link Device#auto()}). */
    public Builder device(Device device) {
      projection.device(device);
      this.device = device;
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
      this.photos = checkNotNull(reader, "reader");
      return this;
    }

    /** Threads (and, unless {@link #device} is set, the device) of the generators. */
    public Builder generatorOptions(GeneratorOptions options) {
      this.generatorOptions = checkNotNull(options, "options");
      return this;
    }

    /**
     * Opens the session: the feature network (resolved and checked first, so a missing file fails here, before
     * anything native is opened), the projector, both generators and the face detector.
     *
     * @throws java.nio.file.NoSuchFileException where the feature network is missing; the message says where to put
     *     it and where to download it
     * @throws IncompatibleModelsException where the toon model or the inverter's model does not fit the base
     */
    public Toonifier build() throws IOException {
      checkState(base != null, "set the base (human) model");
      checkState(fineTuned != null ^ donor != null, "set exactly one of blend(...) and fineTuned(...)");
      StyleGanModel toonModel = fineTuned != null ? fineTuned : recipe.blend(base, donor);
      if (toonModel.config().imgResolution() != base.config().imgResolution()
          || toonModel.config().wDim() != base.config().wDim()) {
        throw new IncompatibleModelsException("the toon model must share the base model's resolution and w_dim (base "
            + base.config().imgResolution() + "px w_dim " + base.config().wDim() + ", toon "
            + toonModel.config().imgResolution() + "px w_dim " + toonModel.config().wDim() + ")");
      }
      if (inverter != null && !sameSizes(inverter.model(), base)) {
        throw new IncompatibleModelsException("the inverter's model (" + inverter.model().config().imgResolution()
            + "px w_dim " + inverter.model().config().wDim() + ", " + inverter.model().config().numWs()
            + " ws) is not the base's size (" + base.config().imgResolution() + "px w_dim " + base.config().wDim()
            + ")");
      }
      GeneratorOptions generators = device != null ? generatorOptions.withDevice(device) : generatorOptions;
      List<AutoCloseable> opened = new ArrayList<>();
      try {
        Inverter photosInto = inverter;
        if (photosInto == null) {
          // First, so that the feature network is resolved before anything native opens.
          Projector projector = projection.model(base).build();
          opened.add(projector);
          photosInto = projector;
        }
        Generator human = Generators.open(base, generators);
        opened.add(human);
        Generator toon = Generators.open(toonModel, generators);
        opened.add(toon);
        FaceLandmarker faces = landmarker;
        if (!centreCrop && faces == null) {
          FaceDetectorBackend.CloseableFaceLandmarker detector = FaceDetectorBackend.load().open();
          opened.add(detector);
          faces = detector;
        }
        return new Toonifier(base, human, toon, photosInto, faces, photos, List.copyOf(opened));
      } catch (IOException | RuntimeException e) {
        try {
          closeAll(opened);
        } catch (FinetoonException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }
  }
}
