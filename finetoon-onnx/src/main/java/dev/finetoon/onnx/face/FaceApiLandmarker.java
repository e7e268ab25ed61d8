package dev.finetoon.onnx.face;

import dev.finetoon.face.FaceDetectorBackend;
import dev.finetoon.face.FaceLandmarks;
import dev.finetoon.image.RgbImage;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The built-in {@link dev.finetoon.face.FaceLandmarker}: {@link FaceApi}'s faces, largest box first, as the eye
 * centres and mouth corners FFHQ alignment reads. {@link dev.finetoon.Toonifier} uses it by default.
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
    return faceApi.detectAll(photo).stream()
        .sorted(DetectedFace.BY_SIZE.reversed())
        .map(DetectedFace::ffhqLandmarks)
        .toList();
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
