package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.face.faceapi.FaceApiWeights;
import dev.finetoon.face.faceapi.FaceRecognitionNet;
import dev.finetoon.face.faceapi.TfPadding;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * face-api.js's face descriptor net (dlib's ResNet, {@link FaceRecognitionNet}) as a differentiable face encoder: the
 * weights bundled in finetoon-core ({@link FaceApiWeights#faceRecognition()}), frozen, on the PyTorch engine, so that
 * a loss on its embeddings trains the generator that drew the faces; {@link dev.finetoon.TripletFineTuner}'s default
 * encoder. It lowers the same {@link FaceRecognitionNet} as
 * finetoon-onnx's {@code FaceApi}, and on 150² inputs agrees with it and with face-api.js itself within 3e-7.
 *
 * <pre>{@code
 * try (FaceApiEncoder encoder = FaceApiEncoder.create()) {
 *   Tensor embeddings = encoder.embed(images); // [N, 128]
 * }
 * }</pre>
 *
 * <p>{@link #embed(NDArray)} takes a generator's images {@code [N, 3, H, W]} in [-1, 1] at any resolution and:
 *
 * <ol>
 *   <li>maps them to [0, 255] as {@code 127.5·x + 127.5}, without clamping: the continuous value of which NVIDIA's
 *       8-bit conversion ({@code x·127.5 + 128}, then truncation) is the rounding, and a clamp would stop the
 *       gradients of pixels slightly out of range;
 *   <li>pads non-square images to a square with zeros (black), centred, as face-api's {@code padToSquare(true)};
 *   <li>resizes them to 150×150 with PyTorch's bilinear interpolation ({@code F.interpolate(mode='bilinear',
 *       align_corners=False)}, no antialiasing; DJL's PyTorch engine always passes {@code align_corners=False}):
 *       source coordinates {@code (dst + 0.5)·in/out − 0.5}. face-api resizes with tfjs's {@code resizeBilinear}
 *       without half-pixel centres ({@code dst·in/out}), so away from 150² the input differs from face-api's by up to
 *       half a source pixel's shift. On smooth images the descriptors then differ from face-api's by a Euclidean
 *       distance of 0.004–0.04 (32² to 1024²; face-api's same-person threshold is 0.6); on noisy ones, which neither
 *       resize filters (no antialiasing), by more (0.27 at 1024² for pixel noise of σ 10);
 *   <li>normalises ({@code (x − mean) / 255}) and runs the network.
 * </ol>
 *
 * <p>It returns the raw descriptors {@code [N, 128]}, not normalised: face-api compares them by Euclidean distance
 * (below 0.6: the same person) and they are not unit vectors. {@link dev.finetoon.finetune.TripletLoss}'s cosine
 * distance ignores their norm.
 *
 * <p>The weights never require gradients; gradients flow through them to the images. Images must be float32 on this
 * encoder's device. Not thread-safe; {@link #close()} frees the weights.
 */
public final class FaceApiEncoder implements DifferentiableFaceEncoder {
  private static final Shape ONE = new Shape(1, 1);
  private static final Shape NO_PADDING = new Shape(0, 0);

  private final NDManager manager;
  /** Under face-api's names: filters {@code [out, in, kh, kw]}, biases {@code [C]}, scales {@code [1, C, 1, 1]}. */
  private final ImmutableMap<String, NDArray> weights;
  /** {@link FaceRecognitionNet#meanRgb()} as {@code [1, 3, 1, 1]}. */
  private final NDArray mean;

  private FaceApiEncoder(NDManager manager, ImmutableMap<String, NDArray> weights, NDArray mean) {
    this.manager = manager;
    this.weights = weights;
    this.mean = mean;
  }

  /** The bundled weights on the CPU. */
  public static FaceApiEncoder create() throws IOException {
    return create(FaceApiWeights.faceRecognition(), Device.cpu());
  }

  /**
   * The descriptor net with {@code weights} under face-api's names and in its TensorFlow layouts (e.g. {@link
   * FaceApiWeights#read(java.nio.file.Path)} of a {@code face_recognition_model-weights_manifest.json}), on {@code
   * device}.
   *
   * @throws ModelFormatException when a weight is missing or has the wrong rank
   */
  public static FaceApiEncoder create(Map<String, Tensor> weights, Device device) throws ModelFormatException {
    for (String name : FaceRecognitionNet.weightNames()) {
      Tensor t = weights.get(name);
      if (t == null) {
        throw new ModelFormatException("face-api recognition weights lack " + name);
      }
      int rank = name.endsWith("/filters") ? 4 : name.equals(FaceRecognitionNet.FC) ? 2 : 1;
      if (t.rank() != rank) {
        throw new ModelFormatException(
            "face-api weight " + name + " has shape " + Arrays.toString(t.shape()) + ", expected rank " + rank);
      }
    }
    PyTorchThreads.applyDefaults();
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      ImmutableMap.Builder<String, NDArray> arrays = ImmutableMap.builder();
      for (String name : FaceRecognitionNet.weightNames()) {
        Tensor t = weights.get(name);
        if (name.endsWith("/filters")) {
          t = FaceApiWeights.hwioToOihw(t);
        } else if (name.contains("/scale/")) {
          t = t.reshape(1, t.size(), 1, 1);
        }
        NDArray array = DjlTensors.toNDArray(manager, t);
        array.setName(name);
        array.setRequiresGradient(false);
        arrays.put(name, array);
      }
      float[] meanRgb = new float[3];
      double[] m = FaceRecognitionNet.meanRgb();
      for (int i = 0; i < 3; i++) {
        meanRgb[i] = (float) m[i];
      }
      NDArray mean = DjlTensors.toNDArray(manager, Tensor.of(meanRgb, 1, 3, 1, 1));
      return new FaceApiEncoder(manager, arrays.buildOrThrow(), mean);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Descriptors {@code [N, 128]} of images {@code [N, 3, H, W]} in [-1, 1]; differentiable with respect to them. */
  @Override
  public NDArray embed(NDArray images) {
    checkArgument(images.getShape().dimension() == 4 && images.getShape().get(1) == 3,
        "expected images [N, 3, H, W], got %s", images.getShape());
    NDArray pixels = images.mul(Scalars.of(images, 127.5)).add(Scalars.of(images, 127.5));
    return descriptors(resize(padToSquare(pixels)));
  }

  /**
   * face-api's {@code padToSquare(x, true)} on NCHW: zeros along the shorter side, {@code round(diff / 2)} after the
   * image and the rest before.
   */
  static NDArray padToSquare(NDArray x) {
    long height = x.getShape().get(2);
    long width = x.getShape().get(3);
    if (height == width) {
      return x;
    }
    long diff = Math.abs(height - width);
    long after = Math.round(diff * 0.5);
    long before = diff - after;
    // torch's pad order: last axis first.
    Shape pad = height < width ? new Shape(0, 0, before, after) : new Shape(before, after, 0, 0);
    return x.pad(pad, 0);
  }

  /** Bilinear resize of square NCHW images to 150² ({@code align_corners=False}); the identity at 150². */
  static NDArray resize(NDArray x) {
    int size = FaceRecognitionNet.INPUT_SIZE;
    if (x.getShape().get(2) == size && x.getShape().get(3) == size) {
      return x;
    }
    return x.getNDArrayInternal()
        .interpolation(new long[] {size, size}, Image.Interpolation.BILINEAR.ordinal(), false);
  }

  /** face-api's descriptors of RGB {@code [N, 3, 150, 150]} in [0, 255], as {@code FaceApi.describe} computes them. */
  NDArray descriptors(NDArray pixels) {
    checkArgument(pixels.getShape().dimension() == 4 && pixels.getShape().get(1) == 3
            && pixels.getShape().get(2) == FaceRecognitionNet.INPUT_SIZE
            && pixels.getShape().get(3) == FaceRecognitionNet.INPUT_SIZE,
        "expected pixels [N, 3, 150, 150], got %s", pixels.getShape());
    NDArray normalised = pixels.sub(mean).div(Scalars.of(pixels, FaceRecognitionNet.PIXEL_SCALE));
    return network(normalised);
  }

  /** The network on already normalised input {@code (x − mean) / 255}, NCHW. */
  NDArray network(NDArray x) {
    x = Activation.relu(scaledConv(x, FaceRecognitionNet.STEM, FaceRecognitionNet.STEM_STRIDE, false));
    int k = FaceRecognitionNet.POOL_SIZE;
    int s = FaceRecognitionNet.POOL_STRIDE;
    x = Pool.maxPool2d(x, new Shape(k, k), new Shape(s, s), NO_PADDING, false);
    for (FaceRecognitionNet.Residual unit : FaceRecognitionNet.RESIDUALS) {
      x = unit.down() ? residualDown(x, unit) : residual(x, unit);
    }
    // DJL's PyTorch engine reduces one axis at a time: the spatial mean over the flattened map.
    Shape shape = x.getShape();
    NDArray mean = x.reshape(shape.get(0), shape.get(1), shape.get(2) * shape.get(3)).mean(new int[] {2});
    return mean.matMul(weights.get(FaceRecognitionNet.FC));
  }

  private NDArray residual(NDArray x, FaceRecognitionNet.Residual unit) {
    NDArray out = Activation.relu(scaledConv(x, unit.conv1(), 1, true));
    out = scaledConv(out, unit.conv2(), 1, true);
    return Activation.relu(out.add(x));
  }

  private NDArray residualDown(NDArray x, FaceRecognitionNet.Residual unit) {
    NDArray out = Activation.relu(scaledConv(x, unit.conv1(), unit.conv1Stride(), false));
    out = scaledConv(out, unit.conv2(), 1, true);
    NDArray pooled = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), NO_PADDING, false, true);
    long extra = pooled.getShape().get(2) - out.getShape().get(2);
    if (extra > 0) {
      out = out.pad(new Shape(0, extra, 0, extra), 0);
    }
    long channels = out.getShape().get(1) - pooled.getShape().get(1);
    if (channels > 0) {
      pooled = pooled.pad(new Shape(0, 0, 0, 0, 0, channels), 0);
    }
    return Activation.relu(pooled.add(out));
  }

  /** face-api's {@code convLayer} without activation: convolution and bias, then the per-channel scale. */
  private NDArray scaledConv(NDArray x, String prefix, int stride, boolean same) {
    NDArray filters = weights.get(prefix + "/conv/filters");
    NDArray bias = weights.get(prefix + "/conv/bias");
    int k = Math.toIntExact(filters.getShape().get(2));
    Shape strides = new Shape(stride, stride);
    NDArray y;
    if (!same) {
      y = Conv2d.conv2d(x, filters, bias, strides, NO_PADDING, ONE, 1).singletonOrThrow();
    } else {
      int[] pad = TfPadding.same(Math.toIntExact(x.getShape().get(2)), k, stride);
      long before = pad[0];
      long after = pad[1];
      if (before == after) {
        y = Conv2d.conv2d(x, filters, bias, strides, new Shape(before, before), ONE, 1).singletonOrThrow();
      } else {
        NDArray padded = x.pad(new Shape(before, after, before, after), 0);
        y = Conv2d.conv2d(padded, filters, bias, strides, NO_PADDING, ONE, 1).singletonOrThrow();
      }
    }
    return y.mul(weights.get(prefix + "/scale/weights")).add(weights.get(prefix + "/scale/biases"));
  }

  /** The frozen weights under face-api's names (filters OIHW, scales {@code [1, C, 1, 1]}), for tests. */
  Map<String, NDArray> weights() {
    return weights;
  }

  /** Frees the weights. */
  @Override
  public void close() {
    manager.close();
  }
}
