package dev.finetoon.face;

import dev.finetoon.FinetoonException;
import java.io.IOException;
import java.util.ServiceLoader;

/**
 * A built-in face detector, found with {@link java.util.ServiceLoader} as DJL finds engines: finetoon-onnx provides
 * one (face-api.js's networks). {@link dev.finetoon.Toonifier} uses it unless told otherwise.
 *
 * <pre>{@code
 * try (FaceLandmarker faces = FaceDetectorBackend.load().open()) {
 *   List<FaceLandmarks> all = faces.locateAll(photo); // largest face first
 * }
 * }</pre>
 */
public interface FaceDetectorBackend {
  /** A new detector; the caller closes it. */
  CloseableFaceLandmarker open() throws IOException;

  /** A landmarker that holds native resources. */
  interface CloseableFaceLandmarker extends FaceLandmarker, AutoCloseable {
    @Override
    void close();
  }

  /** The backend on the class path; fails naming the module to add where there is none. */
  static FaceDetectorBackend load() {
    return ServiceLoader.load(FaceDetectorBackend.class).findFirst().orElseThrow(
        () -> new FinetoonException(
            "no face detector on the class path: add dev.finetoon:finetoon-onnx, or give a landmarker or centreCrop()"));
  }
}
