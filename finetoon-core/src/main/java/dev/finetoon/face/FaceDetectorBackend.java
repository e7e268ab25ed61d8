package dev.finetoon.face;

import dev.finetoon.Backend;
import dev.finetoon.Backends;
import java.io.IOException;
import java.util.Optional;

/**
 * A built-in face detector, found by {@link Backends}: finetoon-onnx provides {@code face-api} (face-api.js's
 * networks). {@link dev.finetoon.Toonifier} uses it unless told otherwise.
 *
 * <pre>{@code
 * try (FaceLandmarker faces = FaceDetectorBackend.load().open()) {
 *   List<FaceLandmarks> all = faces.locateAll(photo); // largest face first
 * }
 * }</pre>
 */
public interface FaceDetectorBackend extends Backend {
  /** A new detector; the caller closes it. */
  CloseableFaceLandmarker open() throws IOException;

  /** A landmarker that holds native resources. */
  interface CloseableFaceLandmarker extends FaceLandmarker, AutoCloseable {
    @Override
    void close();
  }

  /** The backend {@link Backends} picks; fails naming the module to add where there is none. */
  static FaceDetectorBackend load() {
    return Backends.find(FaceDetectorBackend.class, Optional.empty(),
        "dev.finetoon:finetoon-onnx, or give a landmarker or centreCrop()");
  }
}
