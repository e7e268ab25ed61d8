package dev.finetoon.onnx.face;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.finetoon.Tensor;
import dev.finetoon.face.Point;
import dev.finetoon.face.faceapi.FaceApiWeights;
import dev.finetoon.image.RgbImage;
import dev.finetoon.onnx.OnnxSession;
import dev.finetoon.onnx.SessionSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * face-api.js's face pipeline on ONNX Runtime, with the weights finetoon ships: the tiny face detector finds every
 * face, the 68-point net places its landmarks, and dlib's ResNet computes its 128-d identity descriptor — what
 * {@code faceapi.detectAllFaces(img, new TinyFaceDetectorOptions(options)).withFaceLandmarks().withFaceDescriptors()}
 * returns, computed the same way.
 *
 * <pre>{@code
 * try (FaceApi faceApi = FaceApi.open()) {
 *   List<DetectedFace> faces = faceApi.detectAll(PhotoReader.defaults().read(Path.of("group.jpg")));
 *   double d = FaceApi.distance(faces.get(0).descriptor(), faces.get(1).descriptor()); // < 0.6: same person
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close} must not race with running calls.
 */
public final class FaceApi implements AutoCloseable {
  /** The five anchor boxes of the tiny face detector, in grid cells ({@code tinyFaceDetector/const.ts}). */
  private static final double[][] ANCHORS = {
    {1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061}, {4.266906, 5.178857}, {9.041765, 10.66308}
  };
  private static final double IOU_THRESHOLD = 0.4;
  /** face-api's constants for the descriptor's crop ({@code classes/FaceLandmarks.ts}). */
  private static final double ALIGN_X = 0.5;
  private static final double ALIGN_Y = 0.43;
  private static final double ALIGN_SCALE = 0.45;

  private final DetectorOptions options;
  private final OnnxSession detector;
  private final OnnxSession landmarks;
  private final OnnxSession recognition;

  /** Tiny-face-detector settings: input size (a multiple of 32) and the minimum score. */
  public record DetectorOptions(int inputSize, double scoreThreshold) {
    public DetectorOptions {
      checkArgument(inputSize >= 32 && inputSize % 32 == 0, "inputSize must be a multiple of 32, got %s", inputSize);
      checkArgument(scoreThreshold >= 0 && scoreThreshold < 1, "scoreThreshold must be in [0, 1), got %s",
          scoreThreshold);
    }

    /**
     * finetoon's defaults, input 608 and score 0.3: on face-api's six demo photos they find every face a person sees
     * there (22), and nothing else, where face-api's own defaults miss three and find one that is not a face.
     */
    public static DetectorOptions defaults() {
      return new DetectorOptions(608, 0.3);
    }

    /** face-api's {@code TinyFaceDetectorOptions()}: input 416, score 0.5. */
    public static DetectorOptions faceApiDefaults() {
      return new DetectorOptions(416, 0.5);
    }
  }

  private FaceApi(DetectorOptions options, OnnxSession detector, OnnxSession landmarks, OnnxSession recognition) {
    this.options = options;
    this.detector = detector;
    this.landmarks = landmarks;
    this.recognition = recognition;
  }

  /** The bundled networks with finetoon's default detector options and session settings. */
  public static FaceApi open() throws IOException {
    return open(DetectorOptions.defaults(), SessionSettings.defaults());
  }

  /** The bundled networks. */
  public static FaceApi open(DetectorOptions options, SessionSettings settings) throws IOException {
    byte[] detectorGraph = FaceApiGraphs.tinyFaceDetector(FaceApiWeights.tinyFaceDetector(), options.inputSize());
    byte[] landmarkGraph = FaceApiGraphs.faceLandmark68(FaceApiWeights.faceLandmark68());
    byte[] recognitionGraph = FaceApiGraphs.faceRecognition(FaceApiWeights.faceRecognition());
    List<OnnxSession> opened = new ArrayList<>();
    try {
      opened.add(OnnxSession.open(detectorGraph, settings));
      opened.add(OnnxSession.open(landmarkGraph, settings));
      opened.add(OnnxSession.open(recognitionGraph, settings));
      return new FaceApi(options, opened.get(0), opened.get(1), opened.get(2));
    } catch (RuntimeException e) {
      opened.forEach(OnnxSession::close);
      throw e;
    }
  }

  /** Euclidean distance between two descriptors, face-api's {@code euclideanDistance}; below 0.6 is the same person. */
  public static double distance(float[] a, float[] b) {
    checkArgument(a.length == b.length, "descriptors of different lengths: %s and %s", a.length, b.length);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /** Every face in {@code photo}, highest score first, with its landmarks and descriptor. */
  public List<DetectedFace> detectAll(RgbImage photo) {
    TfImage image = TfImage.of(photo);
    ImmutableList.Builder<DetectedFace> faces = ImmutableList.builder();
    for (Detection detection : detect(image)) {
      List<Point> points = landmarks(image, detection);
      FaceBox aligned = dlibAlignment(points, detection.crop());
      faces.add(new DetectedFace(detection.box(), detection.score(), points, aligned, describe(image, aligned)));
    }
    return faces.build();
  }

  /**
   * The descriptor of a face image that is already a face crop (a generator's output, say): the whole image is the
   * descriptor net's input, padded to a square and resized to 150².
   */
  public float[] describe(RgbImage face) {
    return descriptor(TfImage.of(face));
  }

  /** A detection: its box in image pixels and score, and the integer box its crop for the landmark net uses. */
  private record Detection(FaceBox box, double score, FaceBox crop) {}

  /** TinyYolov2Base.detect, then TinyFaceDetector.locateFaces. */
  private List<Detection> detect(TfImage image) {
    int size = options.inputSize();
    Tensor input = image.padToSquare(false).resizeBilinear(size, size).toNchw();
    Tensor out = detector.run(Map.of(FaceApiGraphs.IMAGE, input)).get(FaceApiGraphs.BOXES);
    int w = image.width();
    int h = image.height();
    double scale = (double) size / Math.max(h, w);
    long reshapedWidth = Math.round(w * scale);
    long reshapedHeight = Math.round(h * scale);
    double inputSize = Math.max(reshapedWidth, reshapedHeight);
    double correctionX = inputSize / reshapedWidth;
    double correctionY = inputSize / reshapedHeight;
    int cells = out.dim(2);
    float[] v = out.toArray();
    List<FaceBox> boxes = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    for (int row = 0; row < cells; row++) {
      for (int col = 0; col < cells; col++) {
        for (int anchor = 0; anchor < ANCHORS.length; anchor++) {
          int at = (anchor * 5 * cells + row) * cells + col;
          int step = cells * cells;
          double score = sigmoid(v[at + 4 * step]);
          if (score > options.scoreThreshold()) {
            double ctX = ((col + sigmoid(v[at])) / cells) * correctionX;
            double ctY = ((row + sigmoid(v[at + step])) / cells) * correctionY;
            double bw = ((Math.exp(v[at + 2 * step]) * ANCHORS[anchor][0]) / cells) * correctionX;
            double bh = ((Math.exp(v[at + 3 * step]) * ANCHORS[anchor][1]) / cells) * correctionY;
            double x = ctX - bw / 2;
            double y = ctY - bh / 2;
            boxes.add(FaceBox.fromEdges(x, y, x + bw, y + bh));
            scores.add(score);
          }
        }
      }
    }
    List<Detection> detections = new ArrayList<>();
    for (int i : nonMaxSuppression(boxes, scores, size)) {
      // ObjectDetection, FaceDetection and FaceDetection.forSize each go relative → pixels, as face-api does.
      FaceBox pixels = roundTrip(toPixels(boxes.get(i), w, h), w, h);
      FaceBox crop = roundTrip(roundTrip(pixels, w, h), w, h).clipAtImageBorders(w, h);
      if (crop.width() > 0 && crop.height() > 0) { // extractFaceTensors drops empty crops
        detections.add(new Detection(pixels, scores.get(i), crop));
      }
    }
    return detections;
  }

  /** ops/nonMaxSuppression.ts: greedy, highest score first (the later of equal scores first), IoU on pixel boxes. */
  private static List<Integer> nonMaxSuppression(List<FaceBox> boxes, List<Double> scores, int inputSize) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble(scores::get)); // stable, ascending, as JavaScript's sort
    List<FaceBox> scaled = boxes.stream().map(b -> b.rescale(inputSize, inputSize)).toList();
    List<Integer> picked = new ArrayList<>();
    while (!order.isEmpty()) {
      int current = order.remove(order.size() - 1);
      picked.add(current);
      order.removeIf(i -> FaceBox.iou(scaled.get(current), scaled.get(i)) > IOU_THRESHOLD);
    }
    return picked;
  }

  /** FaceLandmark68NetBase on the face's crop, shifted by the detection box as extendWithFaceLandmarks does. */
  private List<Point> landmarks(TfImage image, Detection detection) {
    FaceBox crop = detection.crop();
    FaceBox box = detection.box();
    TfImage face = image.slice((int) crop.x(), (int) crop.y(), (int) crop.width(), (int) crop.height());
    int size = FaceApiGraphs.LANDMARK_INPUT;
    Tensor input = face.padToSquare(true).resizeBilinear(size, size).toNchw();
    float[] out = landmarks.run(Map.of(FaceApiGraphs.IMAGE, input)).get(FaceApiGraphs.LANDMARKS).toArray();
    // postProcess, in float32 tensor arithmetic: (out · 112 − padding) / scaled size.
    double scale = size / (double) Math.max(face.height(), face.width());
    float scaledWidth = (float) (face.width() * scale);
    float scaledHeight = (float) (face.height() * scale);
    float padX = scaledWidth < scaledHeight ? (float) (Math.abs(scaledWidth - (double) scaledHeight) / 2) : 0f;
    float padY = scaledHeight < scaledWidth ? (float) (Math.abs(scaledWidth - (double) scaledHeight) / 2) : 0f;
    ImmutableList.Builder<Point> points = ImmutableList.builder();
    for (int i = 0; i < 68; i++) {
      float rx = (out[2 * i] * (float) size - padX) / scaledWidth;
      float ry = (out[2 * i + 1] * (float) size - padY) / scaledHeight;
      // FaceLandmarks68(relative, crop size), then shiftBy(box.x, box.y) via relativePositions.
      double px = rx * (double) face.width();
      double py = ry * (double) face.height();
      points.add(new Point(px / face.width() * face.width() + box.x(), py / face.height() * face.height() + box.y()));
    }
    return points.build();
  }

  /**
   * FaceLandmarks.alignDlib: a square of side {@code floor(eye-to-mouth distance / 0.45)} around the centre of the
   * eye and mouth centres; {@code imageSize} is what face-api holds as the landmarks' image size (the crop's).
   */
  private static FaceBox dlibAlignment(List<Point> points, FaceBox crop) {
    Point leftEye = Point.centroid(points.subList(36, 42));
    Point rightEye = Point.centroid(points.subList(42, 48));
    Point mouth = Point.centroid(points.subList(48, 68));
    double eyeToMouth = (Math.hypot(mouth.x() - leftEye.x(), mouth.y() - leftEye.y())
        + Math.hypot(mouth.x() - rightEye.x(), mouth.y() - rightEye.y())) / 2;
    double size = Math.floor(eyeToMouth / ALIGN_SCALE);
    Point ref = Point.centroid(List.of(leftEye, rightEye, mouth));
    double x = Math.floor(Math.max(0, ref.x() - ALIGN_X * size));
    double y = Math.floor(Math.max(0, ref.y() - ALIGN_Y * size));
    return new FaceBox(x, y, Math.min(size, crop.width() + x), Math.min(size, crop.height() + y));
  }

  /** FaceRecognitionNet.computeFaceDescriptor on the aligned crop. */
  private float[] describe(TfImage image, FaceBox aligned) {
    FaceBox crop = aligned.clipAtImageBorders(image.width(), image.height());
    if (crop.width() <= 0 || crop.height() <= 0) {
      return new float[128];
    }
    return descriptor(image.slice((int) crop.x(), (int) crop.y(), (int) crop.width(), (int) crop.height()));
  }

  private float[] descriptor(TfImage face) {
    int size = FaceApiGraphs.DESCRIPTOR_INPUT;
    Tensor input = face.padToSquare(true).resizeBilinear(size, size).toNchw();
    return recognition.run(Map.of(FaceApiGraphs.IMAGE, input)).get(FaceApiGraphs.DESCRIPTOR).toArray();
  }

  private static FaceBox toPixels(FaceBox relative, int width, int height) {
    return relative.rescale(width, height);
  }

  /**
   * ObjectDetection's relativeBox then its constructor: {@code rescale(Dimensions.reverse())} — a multiplication by
   * 1/width, not a division — and back to pixels.
   */
  private static FaceBox roundTrip(FaceBox pixels, int width, int height) {
    return toPixels(pixels.rescale(1.0 / width, 1.0 / height), width, height);
  }

  /** face-api's {@code sigmoid}: {@code 1 / (1 + e^-x)}. */
  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Override
  public void close() {
    detector.close();
    landmarks.close();
    recognition.close();
  }
}
