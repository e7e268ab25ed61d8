package dev.finetoon.onnx.face;

import dev.finetoon.face.FaceDetectorBackend;
import dev.finetoon.face.FaceLandmarks;
import dev.finetoon.image.RgbImage;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@link dev.finetoon.face.FaceLandmarker}: {@link FaceApi}'s faces, the main face first ({@link
 * DetectedFace#BY_MAIN_FACE}: frontal and well landmarked over merely large), as the eye centres and mouth corners
 * FFHQ alignment reads. A main face that {@linkplain DetectedFace#alignsPoorly aligns poorly} is logged as a warning.
 * {@link dev.finetoon.Toonifier} uses it by default.
 *
 * <pre>{@code
 * try (FaceApiLandmarker faces = FaceApiLandmarker.open()) {
 *   RgbImage aligned = FfhqAligner.of(256).align(photo, faces.locate(photo).orElseThrow());
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FaceApiLandmarker implements FaceDetectorBackend.CloseableFaceLandmarker {
  private static final Logger log = LoggerFactory.getLogger(FaceApiLandmarker.class);

  private final FaceApi faceApi;

  private FaceApiLandmarker(FaceApi faceApi) {
    this.faceApi = faceApi;
  }

  /** The bundled networks with face-api's default detector options. */
  public static FaceApiLandmarker open() throws IOException {
    return new FaceApiLandmarker(FaceApi.open());
  }

  @Override
  public Optional<FaceLandmarks> locate(RgbImage photo) {
    return locateAll(photo).stream().findFirst();
  }

  @Override
  public List<FaceLandmarks> locateAll(RgbImage photo) {
    List<DetectedFace> faces = faceApi.detectAll(photo).stream().sorted(DetectedFace.BY_MAIN_FACE.reversed()).toList();
    if (!faces.isEmpty() && faces.get(0).alignsPoorly()) {
      DetectedFace face = faces.get(0);
      log.warn(String.format(Locale.ROOT, "the main face (at %.0f,%.0f) is turned away or faint (frontality %.2f, "
              + "score %.2f): its aligned crop may be poor; give its landmarks to choose the face", face.box().x(),
          face.box().y(), face.frontality(), face.score()));
    }
    return faces.stream().map(DetectedFace::ffhqLandmarks).toList();
  }

  @Override
  public void close() {
    faceApi.close();
  }

  /** The {@link java.util.ServiceLoader} entry point. */
  public static final class Backend implements FaceDetectorBackend {
    @Override
    public String name() {
      return "face-api";
    }

    @Override
    public CloseableFaceLandmarker open() throws IOException {
      return FaceApiLandmarker.open();
    }
  }
}
