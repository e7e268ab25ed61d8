package dev.finetoon.face.faceapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Tensor;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor net's description matches the bundled weights: every name, in order, with consistent shapes. */
class FaceRecognitionNetTest {
  @Test
  void thePlanReadsExactlyTheBundledWeights() throws IOException {
    Map<String, Tensor> weights = FaceApiWeights.faceRecognition();

    assertThat(FaceRecognitionNet.weightNames()).containsExactlyElementsOf(weights.keySet());
  }

  @Test
  void channelsChainFromTheStemToTheDescriptor() throws IOException {
    Map<String, Tensor> weights = FaceApiWeights.faceRecognition();
    int channels = weights.get(FaceRecognitionNet.STEM + "/conv/filters").dim(3);
    for (FaceRecognitionNet.Residual unit : FaceRecognitionNet.RESIDUALS) {
      Tensor conv1 = weights.get(unit.conv1() + "/conv/filters");
      Tensor conv2 = weights.get(unit.conv2() + "/conv/filters");
      assertThat(conv1.dim(2)).as(unit.prefix()).isEqualTo(channels);
      assertThat(conv2.dim(2)).as(unit.prefix()).isEqualTo(conv1.dim(3));
      if (!unit.down()) {
        assertThat(conv2.dim(3)).as("a plain residual keeps its channels: %s", unit.prefix()).isEqualTo(channels);
      }
      channels = conv2.dim(3);
    }
    Tensor fc = weights.get(FaceRecognitionNet.FC);
    assertThat(fc.shape()).containsExactly(channels, FaceRecognitionNet.DESCRIPTOR_SIZE);
    assertThat(weights.get(FaceRecognitionNet.STEM + "/conv/filters").dim(2)).isEqualTo(3);
  }

  @Test
  void theMeanIsACopy() {
    FaceRecognitionNet.meanRgb()[0] = 0;

    assertThat(FaceRecognitionNet.meanRgb()).containsExactly(122.782, 117.001, 104.298);
  }
}
