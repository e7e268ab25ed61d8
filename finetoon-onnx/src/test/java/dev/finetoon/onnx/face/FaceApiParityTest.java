package dev.finetoon.onnx.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetoon.Tensor;
import dev.finetoon.face.Point;
import dev.finetoon.face.faceapi.FaceApiWeights;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.onnx.OnnxSession;
import dev.finetoon.onnx.SessionSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * finetoon's face pipeline against face-api.js itself: test-tools/face-api-reference runs the package's JavaScript
 * (pure-JS TensorFlow.js CPU backend) on its six demo photos during the build and records what it finds; this test
 * feeds the same decoded pixels to {@link FaceApi} and compares every face's box, score, 68 landmarks and 128-d
 * descriptor, and, on sample1's first face, each network's raw output for face-api's own input tensors. Both sides
 * use the same dequantised weights, so only float rounding may differ.
 */
class FaceApiParityTest {
  private static final Path REFERENCE = Path.of("target", "face-api-reference");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static FaceApi faceApi;

  @BeforeAll
  static void open() throws IOException {
    Assumptions.assumeTrue(Files.exists(REFERENCE.resolve("reference.json")),
        "no face-api.js reference outputs in " + REFERENCE.toAbsolutePath()
            + ": the build writes them with Node.js (test-tools/face-api-reference/run.sh); skipping");
    faceApi = FaceApi.open(FaceApi.DetectorOptions.faceApiDefaults(), SessionSettings.defaults());
  }

  @AfterAll
  static void close() {
    if (faceApi != null) {
      faceApi.close();
    }
  }

  static Stream<JsonNode> samples() throws IOException {
    if (!Files.exists(REFERENCE.resolve("reference.json"))) {
      return Stream.empty();
    }
    List<JsonNode> samples = new ArrayList<>();
    JSON.readTree(REFERENCE.resolve("reference.json").toFile()).get("samples").forEach(samples::add);
    return samples.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void everyFaceMatchesFaceApi(JsonNode sample) throws IOException {
    List<DetectedFace> faces = faceApi.detectAll(pixels(sample.get("name").asText()));
    JsonNode expected = sample.get("faces");

    assertThat(faces).hasSize(expected.size());
    for (int i = 0; i < faces.size(); i++) {
      DetectedFace face = faces.get(i);
      JsonNode ref = expected.get(i);
      String which = sample.get("name").asText() + " face " + i;
      assertThat(face.score()).as(which + " score").isCloseTo(ref.get("score").asDouble(), within(1e-5));
      assertBox(face.box(), ref.get("box"), 0.01, which + " box");
      assertBox(face.alignedBox(), ref.get("descriptorAlignRect"), 0, which + " descriptor crop");
      for (int p = 0; p < 68; p++) {
        Point point = face.landmarks().get(p);
        JsonNode xy = ref.get("landmarks").get(p);
        assertThat(point.x()).as(which + " landmark " + p + " x").isCloseTo(xy.get(0).asDouble(), within(0.5));
        assertThat(point.y()).as(which + " landmark " + p + " y").isCloseTo(xy.get(1).asDouble(), within(0.5));
      }
      assertThat(maxAbs(face.descriptor(), floats(ref.get("descriptor")))).as(which + " descriptor").isLessThan(1e-4);
    }
  }

  @Test
  void theNetworksMatchOnFaceApisOwnInputs() throws IOException {
    Tensor detectorInput = npy("sample1.detector_input.f32.npy");
    assertNetwork(FaceApiGraphs.tinyFaceDetector(FaceApiWeights.tinyFaceDetector(), 416), detectorInput,
        FaceApiGraphs.DETECTOR_MEAN_RGB, npy("sample1.detector_output.f32.npy"), 1e-4);
    assertNetwork(FaceApiGraphs.faceLandmark68(FaceApiWeights.faceLandmark68()),
        npy("sample1.face0.landmark_input.f32.npy"), FaceApiGraphs.FACE_MEAN_RGB,
        npy("sample1.face0.landmark_output.f32.npy"), 1e-5);
    assertNetwork(FaceApiGraphs.faceRecognition(FaceApiWeights.faceRecognition()),
        npy("sample1.face0.recognition_input.f32.npy"), FaceApiGraphs.FACE_MEAN_RGB,
        npy("sample1.face0.recognition_output.f32.npy"), 1e-5);
  }

  @Test
  void theDetectorInputIsFaceApisPaddedAndResizedPhoto() throws IOException {
    float[] ours = TfImage.of(pixels("sample1")).padToSquare(false).resizeBilinear(416, 416).toHwc().toArray();
    float[] theirs = npy("sample1.detector_input.f32.npy").toArray(); // (x − mean) / 255
    double[] mean = FaceApiGraphs.DETECTOR_MEAN_RGB;
    for (int i = 0; i < ours.length; i++) {
      ours[i] = (ours[i] - (float) mean[i % 3]) / 255f;
    }
    assertThat(maxAbs(ours, theirs)).isEqualTo(0);
  }

  /**
   * Runs a graph on face-api's recorded input (NHWC, normalised) and compares with its recorded output (NHWC or
   * flat). Our graphs normalise themselves, so the input is taken back to pixels first; that costs about one float32
   * ulp of the pixel values, far inside the tolerance.
   */
  private static void assertNetwork(byte[] graph, Tensor normalisedNhwc, double[] mean, Tensor expected,
      double tolerance) {
    int size = normalisedNhwc.dim(1);
    int plane = size * size;
    float[] nhwc = normalisedNhwc.toArray();
    float[] nchw = new float[nhwc.length];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        nchw[c * plane + i] = nhwc[i * 3 + c] * 255f + (float) mean[c];
      }
    }
    try (OnnxSession session = OnnxSession.open(graph, SessionSettings.defaults())) {
      Tensor out = session.run(Map.of(FaceApiGraphs.IMAGE, Tensor.adopt(nchw, 1, 3, size, size)))
          .values().iterator().next();
      float[] ours = out.rank() == 4 ? nchwToNhwc(out) : out.toArray();
      assertThat(maxAbs(ours, expected.toArray())).isLessThan(tolerance);
    }
  }

  private static float[] nchwToNhwc(Tensor t) {
    int c = t.dim(1);
    int plane = t.dim(2) * t.dim(3);
    float[] v = t.toArray();
    float[] out = new float[v.length];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < plane; i++) {
        out[i * c + ch] = v[ch * plane + i];
      }
    }
    return out;
  }

  private static void assertBox(FaceBox box, JsonNode ref, double tolerance, String what) {
    assertThat(box.x()).as(what + " x").isCloseTo(ref.get("x").asDouble(), within(tolerance));
    assertThat(box.y()).as(what + " y").isCloseTo(ref.get("y").asDouble(), within(tolerance));
    assertThat(box.width()).as(what + " width").isCloseTo(ref.get("width").asDouble(), within(tolerance));
    assertThat(box.height()).as(what + " height").isCloseTo(ref.get("height").asDouble(), within(tolerance));
  }

  /** The photo as face-api saw it: jpeg-js's decoding, recorded as {@code [H, W, 3]} uint8. */
  private static RgbImage pixels(String sample) throws IOException {
    NpyArray rgb = NpyFile.read(REFERENCE.resolve(sample + ".rgb.npy"));
    return RgbImage.of(rgb.shape()[1], rgb.shape()[0], rgb.toLittleEndianBytes());
  }

  private static Tensor npy(String file) throws IOException {
    return NpyFile.read(REFERENCE.resolve(file)).toTensor();
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static double maxAbs(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
