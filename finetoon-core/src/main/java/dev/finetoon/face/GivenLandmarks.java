package dev.finetoon.face;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetoon.image.ImageFormatException;
import dev.finetoon.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Landmarks known in advance (from a detector run elsewhere, or marked by hand): returns them for any photo.
 *
 * <p>{@link #read} takes a JSON file in either of two forms, coordinates in the photo's pixels (after any EXIF
 * rotation):
 *
 * <pre>{@code
 * [[x0, y0], [x1, y1], ..., [x67, y67]]        // the 68 iBUG points, as FFHQ's "face_landmarks"
 * {"eye_left": [x, y], "eye_right": [x, y], "mouth_left": [x, y], "mouth_right": [x, y]}
 * }</pre>
 *
 * <pre>{@code
 * FaceLandmarker landmarker = GivenLandmarks.read(Path.of("me.landmarks.json"));
 * }</pre>
 */
public final class GivenLandmarks implements FaceLandmarker {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Landmark files are a few kilobytes; anything far larger is not one. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  private final FaceLandmarks landmarks;

  public GivenLandmarks(FaceLandmarks landmarks) {
    this.landmarks = landmarks;
  }

  /** The landmarks in a JSON file of one of the forms above. */
  public static GivenLandmarks read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new ImageFormatException(file + ": too large for a landmark file (" + Files.size(file) + " bytes)");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new ImageFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root != null && root.isArray()) {
      List<Point> points = new ArrayList<>();
      for (JsonNode point : root) {
        points.add(point(point, file, "point " + points.size()));
      }
      if (points.size() != 68) {
        throw new ImageFormatException(file + ": expected the 68 iBUG landmarks, found " + points.size());
      }
      return new GivenLandmarks(FaceLandmarks.ofIbug68(points));
    }
    if (root != null && root.isObject()) {
      return new GivenLandmarks(
          new FaceLandmarks(
              point(root.get("eye_left"), file, "eye_left"),
              point(root.get("eye_right"), file, "eye_right"),
              point(root.get("mouth_left"), file, "mouth_left"),
              point(root.get("mouth_right"), file, "mouth_right")));
    }
    throw new ImageFormatException(
        file + ": expected a JSON array of 68 [x, y] points or an object of eye and mouth points");
  }

  @Override
  public Optional<FaceLandmarks> locate(RgbImage photo) {
    return Optional.of(landmarks);
  }

  private static Point point(JsonNode node, Path file, String what) throws ImageFormatException {
    if (node == null || !node.isArray() || node.size() != 2 || !node.get(0).isNumber() || !node.get(1).isNumber()) {
      throw new ImageFormatException(file + ": " + what + " must be an [x, y] pair of numbers, got " + node);
    }
    double x = node.get(0).asDouble();
    double y = node.get(1).asDouble();
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      throw new ImageFormatException(file + ": " + what + " is not finite: " + node);
    }
    return new Point(x, y);
  }
}
