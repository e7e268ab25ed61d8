package dev.finetoon.onnx.face;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.face.faceapi.FaceRecognitionNet;
import dev.finetoon.onnx.OnnxGraphBuilder;
import dev.finetoon.onnx.face.TfGraph.Padding;
import dev.finetoon.onnx.face.TfGraph.Value;
import java.util.List;
import java.util.Map;

/**
 * face-api.js's three networks as ONNX graphs, written from the package's TypeScript sources (read, not translated
 * line by line): each takes raw RGB pixels {@code image [N, 3, S, S]} in [0, 255], already padded to a square and
 * resized to the network's input size, and applies the network's own normalisation first.
 *
 * <ul>
 *   <li>tiny face detector ({@code TinyFaceDetector}, a Tiny-YOLOv2 with depthwise-separable convolutions): S a
 *       multiple of 32 → {@code boxes [N, 25, S/32, S/32]}, five anchors × (x, y, w, h, score) before decoding;
 *   <li>68-point landmarks ({@code FaceLandmark68Net}: four dense blocks of separable convolutions and a dense
 *       layer): S = 112 → {@code landmarks [N, 136]}, (x, y) pairs relative to the input square;
 *   <li>face descriptor ({@code FaceRecognitionNet}, dlib's 29-layer ResNet): S = 150 → {@code descriptor [N, 128]}.
 * </ul>
 */
final class FaceApiGraphs {
  static final String IMAGE = "image";
  static final String BOXES = "boxes";
  static final String LANDMARKS = "landmarks";
  static final String DESCRIPTOR = "descriptor";

  /** The detector's input normalisation ({@code tinyFaceDetector/const.ts}). */
  static final double[] DETECTOR_MEAN_RGB = {117.001, 114.697, 97.404};
  /** The landmark and recognition nets' input normalisation. */
  static final double[] FACE_MEAN_RGB = FaceRecognitionNet.meanRgb();
  static final int LANDMARK_INPUT = 112;
  static final int DESCRIPTOR_INPUT = FaceRecognitionNet.INPUT_SIZE;

  private FaceApiGraphs() {}

  /** The tiny face detector at input size {@code size} (a multiple of 32). */
  static byte[] tinyFaceDetector(Map<String, Tensor> weights, int size) throws ModelFormatException {
    checkArgument(size >= 32 && size % 32 == 0, "the detector's input size must be a multiple of 32, got %s", size);
    OnnxGraphBuilder g = new OnnxGraphBuilder().input(IMAGE, -1, 3, size, size);
    TfGraph tf = new TfGraph(g, weights);
    Value x = tf.normalize(new Value(IMAGE, 3, size), DETECTOR_MEAN_RGB);
    x = tf.leaky(tf.conv(x, "conv0", 1, Padding.VALID));
    for (int i = 1; i <= 5; i++) {
      x = tf.maxPool(x, 2, 2, Padding.SAME);
      // tinyYolov2/depthwiseSeparableConv.ts: pad 1 all round, then a 'valid' separable convolution and leaky.
      x = tf.leaky(tf.separableConv(x, "conv" + i, 1, Padding.SAME));
    }
    x = tf.maxPool(x, 2, 1, Padding.SAME);
    Value out = tf.conv(x, "conv8", 1, Padding.VALID);
    g.node(BOXES, "Identity", List.of(out.name()));
    g.output(BOXES, -1, out.channels(), out.size(), out.size());
    return g.build("tiny_face_detector");
  }

  /** The 68-point landmark net on 112² inputs. */
  static byte[] faceLandmark68(Map<String, Tensor> weights) throws ModelFormatException {
    OnnxGraphBuilder g = new OnnxGraphBuilder().input(IMAGE, -1, 3, LANDMARK_INPUT, LANDMARK_INPUT);
    TfGraph tf = new TfGraph(g, weights);
    Value x = tf.normalize(new Value(IMAGE, 3, LANDMARK_INPUT), FACE_MEAN_RGB);
    for (int i = 0; i < 4; i++) {
      x = denseBlock4(tf, x, "dense" + i, i == 0);
    }
    x = tf.avgPool(x, 7, 2);
    Value out = tf.dense(tf.spatialMean(x), "fc/weights", "fc/bias");
    g.node(LANDMARKS, "Identity", List.of(out.name()));
    g.output(LANDMARKS, -1, out.channels());
    return g.build("face_landmark_68");
  }

  /** The 128-d face descriptor net on 150² inputs, walking {@link FaceRecognitionNet}'s description. */
  static byte[] faceRecognition(Map<String, Tensor> weights) throws ModelFormatException {
    int size = FaceRecognitionNet.INPUT_SIZE;
    OnnxGraphBuilder g = new OnnxGraphBuilder().input(IMAGE, -1, 3, size, size);
    TfGraph tf = new TfGraph(g, weights);
    Value x = tf.normalize(new Value(IMAGE, 3, size), FaceRecognitionNet.meanRgb());
    x = tf.relu(scaledConv(tf, x, FaceRecognitionNet.STEM, FaceRecognitionNet.STEM_STRIDE, Padding.VALID));
    x = tf.maxPool(x, FaceRecognitionNet.POOL_SIZE, FaceRecognitionNet.POOL_STRIDE, Padding.VALID);
    for (FaceRecognitionNet.Residual unit : FaceRecognitionNet.RESIDUALS) {
      x = unit.down() ? residualDown(tf, x, unit) : residual(tf, x, unit);
    }
    Value out = tf.dense(tf.spatialMean(x), FaceRecognitionNet.FC, null);
    g.node(DESCRIPTOR, "Identity", List.of(out.name()));
    g.output(DESCRIPTOR, -1, out.channels());
    return g.build("face_recognition");
  }

  /**
   * faceFeatureExtractor/denseBlock.ts: a strided (separable, or plain for the first block) convolution, then three
   * separable convolutions each reading the ReLU of the sum of all outputs before it.
   */
  private static Value denseBlock4(TfGraph tf, Value x, String prefix, boolean first) throws ModelFormatException {
    Value out1 = tf.relu(first
        ? tf.conv(x, prefix + "/conv0", 2, Padding.SAME)
        : tf.separableConv(x, prefix + "/conv0", 2, Padding.SAME));
    Value out2 = tf.separableConv(out1, prefix + "/conv1", 1, Padding.SAME);
    Value out3 = tf.separableConv(tf.relu(tf.add(out1, out2)), prefix + "/conv2", 1, Padding.SAME);
    // Sums nest as face-api writes them, out1 + (out2 + out3), so that float rounding matches.
    Value out4 = tf.separableConv(tf.relu(tf.add(out1, tf.add(out2, out3))), prefix + "/conv3", 1, Padding.SAME);
    return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4))));
  }

  /** faceRecognitionNet/convLayer.ts: convolution, bias, then the scale layer. */
  private static Value scaledConv(TfGraph tf, Value x, String prefix, int stride, Padding padding)
      throws ModelFormatException {
    return tf.scale(tf.conv(x, prefix + "/conv", stride, padding), prefix + "/scale");
  }

  /** faceRecognitionNet/residualLayer.ts {@code residual}. */
  private static Value residual(TfGraph tf, Value x, FaceRecognitionNet.Residual unit) throws ModelFormatException {
    Value out = tf.relu(scaledConv(tf, x, unit.conv1(), 1, Padding.SAME));
    out = scaledConv(tf, out, unit.conv2(), 1, Padding.SAME);
    return tf.relu(tf.add(out, x));
  }

  /**
   * faceRecognitionNet/residualLayer.ts {@code residualDown}: a strided 'valid' branch plus the 2×2 average pool of
   * the input, the branch grown by a zero row and column where the pool came out larger, the pool by zero channels.
   */
  private static Value residualDown(TfGraph tf, Value x, FaceRecognitionNet.Residual unit)
      throws ModelFormatException {
    Value out = tf.relu(scaledConv(tf, x, unit.conv1(), unit.conv1Stride(), Padding.VALID));
    out = scaledConv(tf, out, unit.conv2(), 1, Padding.SAME);
    Value pooled = tf.avgPool(x, 2, 2);
    if (pooled.size() != out.size()) {
      out = tf.padBottomRight(out, out.size() + 1);
    }
    if (pooled.channels() != out.channels()) {
      pooled = tf.padChannels(pooled, out.channels());
    }
    return tf.relu(tf.add(pooled, out));
  }
}
