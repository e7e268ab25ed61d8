package dev.finetoon.face.faceapi;

import java.util.ArrayList;
import java.util.List;

/**
 * The structure of face-api.js's face descriptor net ({@code FaceRecognitionNet}, a port of dlib's 29-layer ResNet),
 * described once so that every backend lowers the same network: the ONNX graph (finetoon-onnx) and the differentiable
 * DJL encoder (finetoon-train) both walk it. The weights are {@link FaceApiWeights#faceRecognition()}'s, under the
 * names this class gives.
 *
 * <p>The network, on raw RGB {@code [N, 3, 150, 150]} in [0, 255]:
 *
 * <ol>
 *   <li>{@code (x − }{@link #meanRgb()}{@code ) / 255} per channel;
 *   <li>the stem: the scaled convolution {@link #STEM} (7×7, stride {@link #STEM_STRIDE}, 'valid'), ReLU;
 *   <li>max pool {@link #POOL_SIZE}×{@link #POOL_SIZE}, stride {@link #POOL_STRIDE}, 'valid';
 *   <li>the {@link #RESIDUALS} in order (see {@link Residual});
 *   <li>the spatial mean, then {@code x · }{@link #FC} ({@code [256, 128]}, no bias): the descriptor {@code [N, 128]}.
 * </ol>
 *
 * <p>A <em>scaled convolution</em> at prefix {@code p} is face-api's {@code convLayer}: {@code conv2d(x,
 * p/conv/filters) + p/conv/bias}, then {@code · p/scale/weights + p/scale/biases} per channel (see {@link
 * #scaledConvWeights}). Filters are TensorFlow's {@code [kh, kw, in, out]}; 'same' padding is TensorFlow's.
 *
 * <pre>{@code
 * Map<String, Tensor> w = FaceApiWeights.faceRecognition();
 * x = relu(scaledConv(x, FaceRecognitionNet.STEM, FaceRecognitionNet.STEM_STRIDE, VALID));
 * x = maxPool(x, FaceRecognitionNet.POOL_SIZE, FaceRecognitionNet.POOL_STRIDE);
 * for (FaceRecognitionNet.Residual unit : FaceRecognitionNet.RESIDUALS) {
 *   x = unit.down() ? residualDown(x, unit) : residual(x, unit);
 * }
 * descriptor = spatialMean(x).matMul(w.get(FaceRecognitionNet.FC));
 * }</pre>
 */
public final class FaceRecognitionNet {
  /** The input's side: faces are padded to a square and resized to 150×150 first. */
  public static final int INPUT_SIZE = 150;

  /** The descriptor's length. */
  public static final int DESCRIPTOR_SIZE = 128;

  /** The divisor of the normalisation {@code (x − mean) / 255}. */
  public static final double PIXEL_SCALE = 255;

  /** The stem's scaled convolution (7×7, 3 → 32 channels), followed by ReLU. */
  public static final String STEM = "conv32_down";

  /** The stem convolution's stride; its padding is 'valid'. */
  public static final int STEM_STRIDE = 2;

  /** The max pool after the stem: window and stride; 'valid' padding. */
  public static final int POOL_SIZE = 3;

  public static final int POOL_STRIDE = 2;

  /** The final dense layer's weights {@code [256, 128]}; it has no bias. */
  public static final String FC = "fc";

  /**
   * One residual unit of face-api's {@code residualLayer.ts}; {@link #conv1()} and {@link #conv2()} are scaled
   * convolutions (3×3).
   *
   * <ul>
   *   <li>{@code down == false} ({@code residual}): {@code relu(conv2(relu(conv1(x))) + x)}, both convolutions stride
   *       1, 'same';
   *   <li>{@code down == true} ({@code residualDown}): {@code out = conv2(relu(conv1(x)))} with conv1 stride 2,
   *       'valid', and conv2 stride 1, 'same'; the shortcut is the 2×2 stride-2 'valid' average pool of {@code x}.
   *       Where the pool came out larger, {@code out} gets zero rows and columns after its last ones (bottom, right)
   *       up to the pool's size; where {@code out} has more channels, the pool gets zero channels after its last one.
   *       Then {@code relu(pool + out)}.
   * </ul>
   *
   * @param prefix the unit's weight prefix, e.g. {@code conv64_down}
   * @param down whether the unit halves the resolution (and may widen the channels)
   */
  public record Residual(String prefix, boolean down) {
    /** The first scaled convolution's prefix, {@code prefix/conv1}. */
    public String conv1() {
      return prefix + "/conv1";
    }

    /** The second scaled convolution's prefix, {@code prefix/conv2}. */
    public String conv2() {
      return prefix + "/conv2";
    }

    /** The first convolution's stride: 2 for a down unit (with 'valid' padding), else 1 ('same'). */
    public int conv1Stride() {
      return down ? 2 : 1;
    }
  }

  /** The residual units in order: 35² × 32 channels down to 2² × 256. */
  public static final List<Residual> RESIDUALS =
      List.of(
          new Residual("conv32_1", false),
          new Residual("conv32_2", false),
          new Residual("conv32_3", false),
          new Residual("conv64_down", true),
          new Residual("conv64_1", false),
          new Residual("conv64_2", false),
          new Residual("conv64_3", false),
          new Residual("conv128_down", true),
          new Residual("conv128_1", false),
          new Residual("conv128_2", false),
          new Residual("conv256_down", true),
          new Residual("conv256_1", false),
          new Residual("conv256_2", false),
          new Residual("conv256_down_out", true));

  private static final double[] MEAN_RGB = {122.782, 117.001, 104.298};

  private FaceRecognitionNet() {}

  /** The per-channel mean subtracted from the [0, 255] input, R, G, B (a fresh copy). */
  public static double[] meanRgb() {
    return MEAN_RGB.clone();
  }

  /**
   * The four weights of the scaled convolution at {@code prefix}: {@code conv/filters}, {@code conv/bias}, {@code
   * scale/weights}, {@code scale/biases}.
   */
  public static List<String> scaledConvWeights(String prefix) {
    return List.of(
        prefix + "/conv/filters", prefix + "/conv/bias", prefix + "/scale/weights", prefix + "/scale/biases");
  }

  /** Every weight the network reads, in the order of face-api's manifest. */
  public static List<String> weightNames() {
    List<String> names = new ArrayList<>(scaledConvWeights(STEM));
    for (Residual unit : RESIDUALS) {
      names.addAll(scaledConvWeights(unit.conv1()));
      names.addAll(scaledConvWeights(unit.conv2()));
    }
    names.add(FC);
    return List.copyOf(names);
  }
}
