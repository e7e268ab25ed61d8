package dev.finetoon.face.faceapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetoon.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three face-api.js models bundled in finetoon-core's jar. */
class FaceApiWeightsTest {
  @TempDir Path dir;

  @Test
  void tinyFaceDetectorLoads() throws IOException {
    Map<String, Tensor> weights = FaceApiWeights.tinyFaceDetector();

    assertThat(weights).hasSize(19);
    assertThat(weights.keySet()).startsWith("conv0/filters", "conv0/bias", "conv1/depthwise_filter");
    assertThat(weights.get("conv0/filters").shape()).containsExactly(3, 3, 3, 16);
    assertThat(weights.get("conv1/depthwise_filter").shape()).containsExactly(3, 3, 16, 1);
    assertThat(weights.get("conv5/pointwise_filter").shape()).containsExactly(1, 1, 256, 512);
    assertThat(weights.get("conv8/filters").shape()).containsExactly(1, 1, 512, 25);
    assertThat(weights.get("conv8/bias").shape()).containsExactly(25);
    // Computed outside Java: float32(166 * 0.009007044399485869 + -1.2069439495311063).
    assertThat(weights.get("conv0/filters").get(0, 0, 0, 0)).isEqualTo(0.2882254123687744f);
    assertAllFinite(weights);
  }

  @Test
  void faceLandmark68Loads() throws IOException {
    Map<String, Tensor> weights = FaceApiWeights.faceLandmark68();

    assertThat(weights).hasSize(49);
    assertThat(weights.get("dense0/conv0/filters").shape()).containsExactly(3, 3, 3, 32);
    assertThat(weights.get("dense0/conv1/depthwise_filter").shape()).containsExactly(3, 3, 32, 1);
    assertThat(weights.get("dense3/conv3/pointwise_filter").shape()).containsExactly(1, 1, 256, 256);
    assertThat(weights.get("fc/weights").shape()).containsExactly(256, 136);
    assertThat(weights.get("fc/bias").shape()).containsExactly(136);
    assertAllFinite(weights);
  }

  @Test
  void faceRecognitionLoads() throws IOException {
    Map<String, Tensor> weights = FaceApiWeights.faceRecognition();

    assertThat(weights).hasSize(117);
    assertThat(weights.keySet()).first().isEqualTo("conv32_down/conv/filters");
    assertThat(weights.get("conv32_down/conv/filters").shape()).containsExactly(7, 7, 3, 32);
    assertThat(weights.get("conv32_down/scale/weights").shape()).containsExactly(32);
    assertThat(weights.get("conv64_down/conv1/conv/filters").shape()).containsExactly(3, 3, 32, 64);
    assertThat(weights.get("fc").shape()).containsExactly(256, 128);
    assertAllFinite(weights);
  }

  @Test
  void loadTakesTheBundledNamesOnly() throws IOException {
    assertThat(FaceApiWeights.load(FaceApiWeights.TINY_FACE_DETECTOR)).isEqualTo(FaceApiWeights.tinyFaceDetector());
    assertThatThrownBy(() -> FaceApiWeights.load("ssd_mobilenetv1_model"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ssd_mobilenetv1_model");
  }

  /** The bundled manifest and shard, read here without the reader, give the reader's values. */
  @Test
  void dequantisationMatchesTheRawBytes() throws IOException {
    JsonNode weights = manifest("face_recognition_model").get(0).get("weights");
    byte[] bin = resource("face_recognition_model.bin");
    Map<String, Tensor> read = FaceApiWeights.faceRecognition();

    JsonNode first = weights.get(0);
    assertThat(first.get("name").textValue()).isEqualTo("conv32_down/conv/filters");
    JsonNode q = first.get("quantization");
    assertThat(q.get("dtype").textValue()).isEqualTo("uint8");
    int raw = bin[0] & 0xff;
    float expected = (float) (raw * q.get("scale").doubleValue() + q.get("min").doubleValue());
    assertThat(read.get("conv32_down/conv/filters").get(0, 0, 0, 0)).isEqualTo(expected);

    // Every weight's first and last value, found by walking the manifest's byte layout.
    long offset = 0;
    for (JsonNode weight : weights) {
      Tensor tensor = read.get(weight.get("name").textValue());
      float[] values = tensor.toArray();
      JsonNode quantization = weight.get("quantization");
      int width = quantization == null ? Float.BYTES : 1;
      if (values.length > 0) {
        assertThat(values[0]).as("%s[0]", weight.get("name")).isEqualTo(value(bin, offset, quantization));
        assertThat(values[values.length - 1])
            .as("%s[-1]", weight.get("name"))
            .isEqualTo(value(bin, offset + (long) (values.length - 1) * width, quantization));
      }
      offset += (long) values.length * width;
    }
    assertThat(offset).isEqualTo(bin.length);
  }

  @Test
  void aFolderCopyReadsLikeTheClasspath() throws IOException {
    for (String name :
        new String[] {"tiny_face_detector_model-weights_manifest.json", "tiny_face_detector_model.bin"}) {
      Files.write(dir.resolve(name), resource(name));
    }

    assertThat(FaceApiWeights.read(dir, FaceApiWeights.TINY_FACE_DETECTOR))
        .isEqualTo(FaceApiWeights.tinyFaceDetector())
        .isEqualTo(FaceApiWeights.read(dir.resolve("tiny_face_detector_model-weights_manifest.json")));
  }

  @Test
  void theLicenceAndNoticeShipBesideTheWeights() throws IOException {
    assertThat(new String(resource("LICENSE"), StandardCharsets.UTF_8))
        .contains("MIT License", "Vladimir Mandic");
    assertThat(new String(resource("NOTICE.md"), StandardCharsets.UTF_8))
        .contains("Vincent Mühler", "Vladimir Mandic", "Davis King", "public domain");
  }

  private static float value(byte[] bin, long offset, JsonNode quantization) {
    if (quantization == null) {
      return ByteBuffer.wrap(bin, (int) offset, Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    }
    return (float)
        ((bin[(int) offset] & 0xff) * quantization.get("scale").doubleValue() + quantization.get("min").doubleValue());
  }

  private static void assertAllFinite(Map<String, Tensor> weights) {
    weights.forEach(
        (name, tensor) -> {
          for (float v : tensor.toArray()) {
            assertThat(Float.isFinite(v)).as("%s is finite", name).isTrue();
          }
        });
  }

  private static JsonNode manifest(String model) throws IOException {
    return new ObjectMapper().readTree(resource(model + FaceApiWeights.MANIFEST_SUFFIX));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = FaceApiWeights.bundled(name)) {
      return in.readAllBytes();
    }
  }
}
