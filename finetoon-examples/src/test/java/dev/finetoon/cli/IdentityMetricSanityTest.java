package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.finetoon.face.FfhqAligner;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.onnx.SessionSettings;
import dev.finetoon.onnx.face.DetectedFace;
import dev.finetoon.onnx.face.FaceApi;
import dev.finetoon.onnx.face.FaceBox;
import dev.finetoon.onnx.face.FfhqFaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Is the distance that {@code finetoon evaluate} reports a sane identity measure? On face-api's six demo photos (the
 * decoded pixels that finetoon-onnx's build records in {@code target/face-api-reference}), each face is compared with
 * the same face in the horizontally mirrored photo (the same person, another image) and with the other faces, its
 * descriptor taken five ways:
 *
 * <ul>
 *   <li>{@code photo-detect}: {@code detectAll} on the photo, face-api's own pipeline;
 *   <li>{@code ffhq-crop}: the face FFHQ-aligned to 256², then {@link FfhqFaces#descriptorCrop}: {@code evaluate};
 *   <li>{@code ffhq-margin}: {@code detectAll} on that crop {@link FfhqFaces#withMargin}: {@code evaluate --detect};
 *   <li>{@code ffhq-whole}: the whole FFHQ crop described (not what evaluate does: this is why);
 *   <li>{@code ffhq-detect}: {@code detectAll} on the FFHQ crop without a margin (neither: this is why).
 * </ul>
 *
 * Prints the tables that docs/face-pipeline.md quotes; skipped where the reference pixels are absent.
 */
class IdentityMetricSanityTest {
  private static final Path REFERENCE = Path.of("..", "finetoon-onnx", "target", "face-api-reference");
  private static final int PHOTOS = 6;
  private static final FfhqAligner ALIGNER = FfhqAligner.of(256);

  private static FaceApi faceApi;

  /** A face of a demo photo, by photo, with a descriptor per way for it and for its mirrored twin (null: none). */
  private record Face(String name, int photo, Map<String, float[]> descriptors, Map<String, float[]> mirrored) {}

  @BeforeAll
  static void open() throws IOException {
    assumeTrue(Files.exists(REFERENCE.resolve("sample1.rgb.npy")),
        "skipped: no face-api reference pixels in " + REFERENCE.toAbsolutePath() + " (build finetoon-onnx first)");
    // face-api's own detector options: the faces docs/face-pipeline.md's table was measured on.
    faceApi = FaceApi.open(FaceApi.DetectorOptions.faceApiDefaults(), SessionSettings.defaults());
  }

  @AfterAll
  static void close() {
    if (faceApi != null) {
      faceApi.close();
    }
  }

  @Test
  void mirroredFacesAreNearerThanOtherPeoplesFaces() throws IOException {
    List<Face> faces = new ArrayList<>();
    List<String> unmatched = new ArrayList<>();
    for (int photo = 1; photo <= PHOTOS; photo++) {
      RgbImage image = pixels(REFERENCE.resolve("sample" + photo + ".rgb.npy"));
      RgbImage mirror = mirror(image);
      List<DetectedFace> found = faceApi.detectAll(image);
      List<DetectedFace> inMirror = faceApi.detectAll(mirror);
      for (int i = 0; i < found.size(); i++) {
        String name = "sample" + photo + "#" + (i + 1);
        DetectedFace twin = twin(found.get(i).box(), inMirror, image.width());
        if (twin == null) {
          unmatched.add(name); // sample6#5: half of sample6#3's face and her shoulder
        } else {
          faces.add(new Face(name, photo, descriptors(image, found.get(i)), descriptors(mirror, twin)));
        }
      }
    }
    System.out.println("faces found again in the mirrored photo: " + faces.size() + "; not: " + unmatched);
    System.out.println("way          pairs                         n    min  median    max  under 0.6");
    Map<String, Stats> mirroredStats = new LinkedHashMap<>();
    Map<String, Stats> otherStats = new LinkedHashMap<>();
    for (String way : faces.get(0).descriptors().keySet()) {
      List<Double> mirrored = new ArrayList<>();
      List<Double> samePhoto = new ArrayList<>();
      List<Double> otherPhotos = new ArrayList<>();
      List<String> under = new ArrayList<>();
      for (int a = 0; a < faces.size(); a++) {
        Face face = faces.get(a);
        add(mirrored, face.descriptors().get(way), face.mirrored().get(way));
        for (int b = a + 1; b < faces.size(); b++) {
          Face other = faces.get(b);
          Double d = add(face.photo() == other.photo() ? samePhoto : otherPhotos, face.descriptors().get(way),
              other.descriptors().get(way));
          if (d != null && d < 0.6) {
            under.add(String.format(Locale.ROOT, "%s–%s %.3f", face.name(), other.name(), d));
          }
        }
      }
      print(way, "same face, mirrored photo", mirrored);
      print(way, "different faces, same photo", samePhoto);
      print(way, "faces of different photos", otherPhotos);
      System.out.println(way + ": other faces under 0.6: " + (under.size() <= 12 ? under : under.size() + " pairs"));
      List<Double> others = new ArrayList<>(samePhoto);
      others.addAll(otherPhotos);
      mirroredStats.put(way, Stats.of(mirrored));
      otherStats.put(way, Stats.of(others));
    }
    System.out.println("the same face, photo-detect against each other way:");
    for (String way : faces.get(0).descriptors().keySet()) {
      if (!way.equals("photo-detect")) {
        List<Double> same = new ArrayList<>();
        List<String> over = new ArrayList<>();
        for (Face face : faces) {
          Double d = add(same, face.descriptors().get("photo-detect"), face.descriptors().get(way));
          if (d != null && d >= 0.6) {
            over.add(String.format(Locale.ROOT, "%s %.3f", face.name(), d));
          }
        }
        print(way, "photo-detect ↔ " + way, same);
        System.out.println(way + ": 0.6 or more: " + over);
      }
    }

    assertThat(faces).hasSizeGreaterThanOrEqualTo(19);
    assertThat(mirroredStats.get("photo-detect").max()).as("photo-detect: every mirrored face nearer than others")
        .isLessThan(otherStats.get("photo-detect").min());
    assertThat(mirroredStats.get("ffhq-crop").n()).as("evaluate describes every face").isEqualTo(faces.size());
    assertThat(mirroredStats.get("ffhq-crop").max()).as("evaluate: every mirrored face nearer than others")
        .isLessThan(otherStats.get("ffhq-crop").min()).isLessThan(0.6);
    assertThat(otherStats.get("ffhq-crop").median()).as("evaluate: other faces mostly over 0.6").isGreaterThan(0.6);
    assertThat(mirroredStats.get("ffhq-margin").n()).as("evaluate --detect finds most faces")
        .isGreaterThanOrEqualTo(15);
    assertThat(otherStats.get("ffhq-whole").median()).as("whole FFHQ images: other faces mostly under 0.6")
        .isLessThan(0.6);
  }

  /** The face's descriptor each way. */
  private static Map<String, float[]> descriptors(RgbImage photo, DetectedFace face) {
    RgbImage aligned = ALIGNER.align(photo, face.ffhqLandmarks());
    Function<RgbImage, float[]> detect = image -> faceApi.detectAll(image).stream()
        .max(Comparator.comparingDouble(f -> f.box().area())).map(DetectedFace::descriptor).orElse(null);
    Map<String, float[]> ways = new LinkedHashMap<>();
    ways.put("photo-detect", face.descriptor());
    ways.put("ffhq-crop", faceApi.describe(FfhqFaces.descriptorCrop(aligned)));
    ways.put("ffhq-margin", detect.apply(FfhqFaces.withMargin(aligned)));
    ways.put("ffhq-whole", faceApi.describe(aligned));
    ways.put("ffhq-detect", detect.apply(aligned));
    return ways;
  }

  /** Adds the distance of a and b to {@code to} and returns it, unless either is missing. */
  private static Double add(List<Double> to, float[] a, float[] b) {
    if (a == null || b == null) {
      return null;
    }
    double d = FaceApi.distance(a, b);
    to.add(d);
    return d;
  }

  /** The photo flipped left to right. */
  private static RgbImage mirror(RgbImage image) {
    int w = image.width();
    int h = image.height();
    byte[] in = image.toBytes();
    byte[] out = new byte[in.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(in, (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
      }
    }
    return RgbImage.of(w, h, out);
  }

  /** The face in the mirrored photo whose box, mirrored back, overlaps {@code box} most (IoU over 0.5), or null. */
  private static DetectedFace twin(FaceBox box, List<DetectedFace> inMirror, int width) {
    DetectedFace best = null;
    double bestIou = 0.5;
    for (DetectedFace candidate : inMirror) {
      FaceBox c = candidate.box();
      FaceBox back = new FaceBox(width - c.right(), c.y(), c.width(), c.height());
      double w = Math.max(0, Math.min(box.right(), back.right()) - Math.max(box.x(), back.x()));
      double h = Math.max(0, Math.min(box.bottom(), back.bottom()) - Math.max(box.y(), back.y()));
      double iou = w * h / (box.area() + back.area() - w * h);
      if (iou > bestIou) {
        bestIou = iou;
        best = candidate;
      }
    }
    return best;
  }

  private static RgbImage pixels(Path npy) throws IOException {
    NpyArray rgb = NpyFile.read(npy);
    return RgbImage.of(rgb.shape()[1], rgb.shape()[0], rgb.toLittleEndianBytes());
  }

  /** How many distances, and their min, median and max. */
  private record Stats(int n, double min, double median, double max) {
    static Stats of(List<Double> values) {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = sorted.length;
      if (n == 0) {
        return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
      }
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Stats(n, sorted[0], median, sorted[n - 1]);
    }
  }

  private static void print(String way, String pairs, List<Double> values) {
    Stats s = Stats.of(values);
    long under = values.stream().filter(d -> d < 0.6).count();
    System.out.printf(Locale.ROOT, "%-12s %-28s %3d  %.3f  %.3f  %.3f  %3d%n", way, pairs, s.n(), s.min(),
        s.median(), s.max(), under);
  }
}
