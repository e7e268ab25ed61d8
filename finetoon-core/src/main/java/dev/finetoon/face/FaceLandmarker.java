package dev.finetoon.face;

import dev.finetoon.image.RgbImage;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the face in a photo. Where none is found, callers fall back to NVIDIA's projector preparation, {@link
 * dev.finetoon.image.CenterCrop#resized}; where one is, {@link FfhqAligner} crops it the way the generator's training
 * faces were cropped, which inverts far better.
 *
 * <pre>{@code
 * FaceLandmarker landmarker = GivenLandmarks.read(Path.of("me.landmarks.json"));
 * RgbImage target = landmarker.locate(photo)
 *     .map(face -> FfhqAligner.of(1024).align(photo, face))
 *     .orElseGet(() -> CenterCrop.resized(photo, 1024));
 * }</pre>
 */
public interface FaceLandmarker {
  /** The landmarks of the main face in {@code photo}, or empty where there is none. */
  Optional<FaceLandmarks> locate(RgbImage photo) throws IOException;

  /** The landmarks of every face in {@code photo}, the main one first; this default finds only the main one. */
  default List<FaceLandmarks> locateAll(RgbImage photo) throws IOException {
    return locate(photo).map(List::of).orElse(List.of());
  }
}
