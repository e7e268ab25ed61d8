package dev.finetoon.face.faceapi;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.io.HalfFloats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads face-api.js's TensorFlow.js weights: a {@code *-weights_manifest.json} and the {@code .bin} shards it names.
 * The three models finetoon uses ship in finetoon-core's jar (fetched from npm at build time; see {@code NOTICE.md}
 * beside them): the Tiny Face Detector, the 68-point landmark net and the face recognition ResNet (a port of dlib's).
 * Tensors keep the manifest's names, order and shapes, which are TensorFlow's layouts (HWIO conv filters,
 * {@code [H, W, C, 1]} depthwise filters); every value becomes float32 (int32 ones exactly up to 2^24).
 *
 * <pre>{@code
 * Map<String, Tensor> resnet = FaceApiWeights.faceRecognition();
 * Tensor stem = resnet.get("conv32_down/conv/filters"); // Tensor[7, 7, 3, 32]
 * Map<String, Tensor> mine = FaceApiWeights.read(Path.of("models/tiny_face_detector_model-weights_manifest.json"));
 * }</pre>
 *
 * <p>A manifest is a JSON array of groups {@code {"paths": [...], "weights": [...]}}; a group's shards, concatenated
 * in order, hold its weights back to back in manifest order. A weight is {@code {"name", "shape", "dtype"}} with dtype
 * {@code float32} or {@code int32} (little-endian), and optionally {@code "quantization": {"dtype", "scale", "min"}}:
 * {@code uint8} or {@code uint16} values {@code q} stand for {@code q·scale + min}, computed in double and rounded
 * once to float32 as tfjs's {@code decodeWeights} does ({@code Math.round} of it for int32), and {@code float16}
 * values for themselves. Corrupt or hostile files fail with a {@link ModelFormatException} naming the problem, and
 * nothing is allocated on a manifest's word before the shards' bytes are known to back it.
 *
 * <p>Each call decodes afresh (the recognition net is about 6 M values); keep the map rather than calling again.
 */
// The manifest is read by hand: no Java library reads tfjs weights manifests.
public final class FaceApiWeights {
  /** The bundled Tiny Face Detector. */
  public static final String TINY_FACE_DETECTOR = "tiny_face_detector_model";

  /** The bundled 68-point face landmark net. */
  public static final String FACE_LANDMARK_68 = "face_landmark_68_model";

  /** The bundled face recognition ResNet (128-dimensional descriptors; dlib's network). */
  public static final String FACE_RECOGNITION = "face_recognition_model";

  /** The bundled models, by the names {@link #load} takes. */
  public static final List<String> BUNDLED = List.of(TINY_FACE_DETECTOR, FACE_LANDMARK_68, FACE_RECOGNITION);

  /** What a model's manifest file name adds to the model's name. */
  public static final String MANIFEST_SUFFIX = "-weights_manifest.json";

  /** Where the artifact finetoon-faceapi-weights keeps the files, on the classpath. */
  private static final String RESOURCES = "dev/finetoon/faceapi/weights/";

  /** Real manifests are a few KiB; a larger one is refused before it is parsed. */
  static final int MAX_MANIFEST_BYTES = 16 << 20;

  /** A group's shards are read into one array, so together they may hold at most this many bytes. */
  static final long MAX_GROUP_BYTES = Integer.MAX_VALUE - 8;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** How values are stored in a shard. */
  private enum Storage {
    FLOAT32(4),
    INT32(4),
    UINT8(1),
    UINT16(2),
    FLOAT16(2);

    final int bytes;

    Storage(int bytes) {
      this.bytes = bytes;
    }
  }

  /** One weight of a group: where it lies in the group's bytes and how to decode it. */
  private record Weight(
      String name, int[] shape, int size, boolean int32, Storage storage, double scale, double min, long offset) {
    long bytes() {
      return (long) size * storage.bytes;
    }
  }

  private record Group(List<String> paths, List<Weight> weights, long bytes) {}

  /** Opens a shard named by a manifest; a missing one is a {@link ModelFormatException}. */
  @FunctionalInterface
  private interface Shards {
    InputStream open(String name) throws IOException;
  }

  private FaceApiWeights() {}

  /** The bundled Tiny Face Detector's weights. */
  public static Map<String, Tensor> tinyFaceDetector() throws IOException {
    return load(TINY_FACE_DETECTOR);
  }

  /** The bundled 68-point landmark net's weights. */
  public static Map<String, Tensor> faceLandmark68() throws IOException {
    return load(FACE_LANDMARK_68);
  }

  /** The bundled face recognition ResNet's weights. */
  public static Map<String, Tensor> faceRecognition() throws IOException {
    return load(FACE_RECOGNITION);
  }

  /** The weights of a bundled model, one of {@link #BUNDLED}, read from the classpath. */
  public static Map<String, Tensor> load(String modelName) throws IOException {
    if (!BUNDLED.contains(modelName)) {
      throw new IllegalArgumentException("no bundled face-api model '" + brief(modelName) + "'; there are " + BUNDLED);
    }
    String manifest = modelName + MANIFEST_SUFFIX;
    try (InputStream in = bundled(manifest)) {
      return parse(manifest, readAtMost(in, MAX_MANIFEST_BYTES, manifest), FaceApiWeights::bundled);
    }
  }

  /** A file of finetoon-faceapi-weights (a manifest, a shard, the notice), read from the classpath. */
  static InputStream bundled(String name) throws ModelFormatException {
    InputStream in = FaceApiWeights.class.getClassLoader().getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new ModelFormatException("face-api resource " + RESOURCES + name + " is not on the classpath: add"
          + " dev.finetoon:finetoon-faceapi-weights (finetoon-onnx and finetoon-train bring it)");
    }
    return in;
  }

  /** The weights of {@code folder/<modelName>-weights_manifest.json} and its shards. */
  public static Map<String, Tensor> read(Path folder, String modelName) throws IOException {
    return read(folder.resolve(modelName + MANIFEST_SUFFIX));
  }

  /** The weights of a manifest file; its shards are read from the same folder. */
  public static Map<String, Tensor> read(Path manifest) throws IOException {
    String label = String.valueOf(manifest.getFileName());
    Shards files =
        name -> {
          Path shard = manifest.resolveSibling(name);
          try {
            return Files.newInputStream(shard);
          } catch (NoSuchFileException e) {
            throw new ModelFormatException("face-api weights file " + shard + " is missing", e);
          }
        };
    byte[] json;
    try (InputStream in = files.open(label)) {
      json = readAtMost(in, MAX_MANIFEST_BYTES, label);
    }
    return parse(label, json, files);
  }

  private static Map<String, Tensor> parse(String label, byte[] json, Shards shards) throws IOException {
    if (json.length > MAX_MANIFEST_BYTES) {
      throw new ModelFormatException(
          "face-api manifest " + label + " is larger than " + MAX_MANIFEST_BYTES + " bytes; real ones are a few KiB");
    }
    List<Group> groups = parseManifest(label, readJson(label, json));
    ImmutableMap.Builder<String, Tensor> tensors = ImmutableMap.builder();
    for (int g = 0; g < groups.size(); g++) {
      Group group = groups.get(g);
      ByteBuffer data = ByteBuffer.wrap(readGroup(label, g, group, shards)).order(ByteOrder.LITTLE_ENDIAN);
      for (Weight weight : group.weights()) {
        tensors.put(weight.name(), Tensor.adopt(decode(weight, data), weight.shape()));
      }
    }
    return tensors.buildOrThrow();
  }

  private static JsonNode readJson(String label, byte[] json) throws ModelFormatException {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ModelFormatException(
          "face-api manifest " + label + " is not valid JSON: " + e.getOriginalMessage()
              + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"),
          e);
    } catch (IOException e) {
      throw new ModelFormatException("face-api manifest " + label + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<Group> parseManifest(String label, JsonNode root) throws ModelFormatException {
    if (!root.isArray()) {
      throw new ModelFormatException(
          "face-api manifest " + label + " is not a JSON array of weight groups but " + root.getNodeType());
    }
    List<Group> groups = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int g = 0; g < root.size(); g++) {
      String where = "face-api manifest " + label + " group " + g;
      JsonNode group = root.get(g);
      if (!group.isObject()) {
        throw new ModelFormatException(where + " is not a JSON object but " + group.getNodeType());
      }
      List<String> paths = parsePaths(where, required(where, group, "paths"));
      JsonNode weights = required(where, group, "weights");
      if (!weights.isArray()) {
        throw new ModelFormatException(where + " has weights " + brief(weights) + ", not an array");
      }
      List<Weight> parsed = new ArrayList<>();
      long offset = 0;
      for (JsonNode entry : weights) {
        Weight weight = parseWeight(where, entry, offset);
        if (!names.add(weight.name())) {
          throw new ModelFormatException(where + " repeats the weight name '" + brief(weight.name()) + "'");
        }
        offset += weight.bytes();
        if (offset > MAX_GROUP_BYTES) {
          throw new ModelFormatException(
              where + " describes more than " + MAX_GROUP_BYTES + " bytes of weights (at '" + brief(weight.name())
                  + "'); finetoon reads at most 2 GiB per group");
        }
        parsed.add(weight);
      }
      groups.add(new Group(paths, ImmutableList.copyOf(parsed), offset));
    }
    return groups;
  }

  /** Shard names: plain file names beside the manifest, so that no manifest can reach files elsewhere. */
  private static List<String> parsePaths(String where, JsonNode node) throws ModelFormatException {
    if (!node.isArray() || node.isEmpty()) {
      throw new ModelFormatException(where + " has paths " + brief(node) + ", not a non-empty array of file names");
    }
    List<String> paths = new ArrayList<>();
    for (JsonNode path : node) {
      String name = path.textValue();
      if (name == null
          || name.isEmpty()
          || name.equals(".")
          || name.equals("..")
          || name.indexOf('/') >= 0
          || name.indexOf('\\') >= 0
          || name.indexOf('\0') >= 0) {
        throw new ModelFormatException(
            where + " has the path " + brief(path) + "; finetoon reads only shards named by a plain file name"
                + " beside the manifest");
      }
      paths.add(name);
    }
    return ImmutableList.copyOf(paths);
  }

  private static Weight parseWeight(String where, JsonNode entry, long offset) throws ModelFormatException {
    if (!entry.isObject()) {
      throw new ModelFormatException(where + " has a weight that is not a JSON object but " + entry.getNodeType());
    }
    JsonNode nameNode = required(where + " weight", entry, "name");
    if (!nameNode.isTextual()) {
      throw new ModelFormatException(where + " has a weight named " + brief(nameNode) + ", not a string");
    }
    String name = nameNode.textValue();
    String what = where + " weight '" + brief(name) + "'";
    int[] shape = parseShape(what, required(what, entry, "shape"));
    JsonNode dtype = required(what, entry, "dtype");
    boolean int32;
    if ("float32".equals(dtype.textValue())) {
      int32 = false;
    } else if ("int32".equals(dtype.textValue())) {
      int32 = true;
    } else {
      throw new ModelFormatException(what + " has dtype " + brief(dtype) + "; finetoon reads float32 and int32");
    }
    JsonNode quantization = entry.get("quantization");
    if (quantization == null || quantization.isNull()) {
      return new Weight(
          name, shape, Tensor.checkedSize(shape), int32, int32 ? Storage.INT32 : Storage.FLOAT32, 1, 0, offset);
    }
    if (!quantization.isObject()) {
      throw new ModelFormatException(what + " has quantization " + brief(quantization) + ", not a JSON object");
    }
    JsonNode qtype = required(what + " quantization", quantization, "dtype");
    Storage storage;
    if ("uint8".equals(qtype.textValue())) {
      storage = Storage.UINT8;
    } else if ("uint16".equals(qtype.textValue())) {
      storage = Storage.UINT16;
    } else if ("float16".equals(qtype.textValue()) && !int32) {
      return new Weight(name, shape, Tensor.checkedSize(shape), false, Storage.FLOAT16, 1, 0, offset);
    } else {
      throw new ModelFormatException(
          what + " has quantization dtype " + brief(qtype) + "; finetoon reads uint8 and uint16 (and float16 for"
              + " float32 weights)");
    }
    double scale = number(what + " quantization", quantization, "scale");
    double min = number(what + " quantization", quantization, "min");
    return new Weight(name, shape, Tensor.checkedSize(shape), int32, storage, scale, min, offset);
  }

  /** The shape, rejecting negative or non-integer dimensions and more than 2^31-1 elements in all. */
  private static int[] parseShape(String what, JsonNode node) throws ModelFormatException {
    if (!node.isArray()) {
      throw new ModelFormatException(what + " has shape " + brief(node) + ", not an array");
    }
    int[] shape = new int[node.size()];
    long size = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = node.get(i);
      if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.intValue() < 0) {
        throw new ModelFormatException(
            what + " has shape " + brief(node) + " with the invalid dimension " + brief(dim));
      }
      shape[i] = dim.intValue();
      size *= shape[i];
      if (size > Integer.MAX_VALUE) {
        throw new ModelFormatException(what + " has shape " + brief(node) + ", more than 2^31-1 elements");
      }
    }
    return shape;
  }

  private static double number(String what, JsonNode object, String field) throws ModelFormatException {
    JsonNode value = required(what, object, field);
    if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
      throw new ModelFormatException(what + " has " + field + " " + brief(value) + ", not a finite number");
    }
    return value.doubleValue();
  }

  private static JsonNode required(String what, JsonNode object, String field) throws ModelFormatException {
    JsonNode value = object.get(field);
    if (value == null) {
      throw new ModelFormatException(what + " has no \"" + field + "\"");
    }
    return value;
  }

  /**
   * A group's shards concatenated, which must hold exactly the bytes its weights need. Each shard is read only up to
   * one byte past what remains to be needed, so a false claim in either direction costs no more than the bytes that
   * are really there.
   */
  private static byte[] readGroup(String label, int index, Group group, Shards shards) throws IOException {
    String where = "face-api manifest " + label + " group " + index + " (" + String.join(", ", group.paths()) + ")";
    List<byte[]> parts = new ArrayList<>();
    long total = 0;
    for (String path : group.paths()) {
      byte[] part;
      try (InputStream in = shards.open(path)) {
        part = readAtMost(in, group.bytes() - total, path);
      }
      total += part.length;
      if (total > group.bytes()) {
        throw new ModelFormatException(
            where + ": the shards hold more than the " + group.bytes() + " bytes its weights need");
      }
      parts.add(part);
    }
    if (total < group.bytes()) {
      throw new ModelFormatException(
          where + ": the shards hold " + total + " bytes but its weights need " + group.bytes()
              + ": the file is truncated");
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    byte[] joined = new byte[(int) total];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, joined, at, part.length);
      at += part.length;
    }
    return joined;
  }

  /** Up to {@code limit + 1} bytes of a stream, in a buffer that grows with what is really read. */
  private static byte[] readAtMost(InputStream in, long limit, String name) throws IOException {
    int cap = (int) Math.min(limit + 1, MAX_GROUP_BYTES);
    byte[] buffer = new byte[Math.min(cap, 1 << 16)];
    int length = 0;
    while (true) {
      if (length == buffer.length) {
        if (length == cap) {
          break;
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min(cap, 2L * buffer.length));
      }
      int n = in.read(buffer, length, buffer.length - length);
      if (n < 0) {
        break;
      }
      length += n;
    }
    if (length == cap && cap <= limit) {
      throw new ModelFormatException("face-api weights file " + name + " is larger than 2 GiB");
    }
    return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
  }

  private static float[] decode(Weight w, ByteBuffer data) {
    float[] values = new float[w.size()];
    int at = (int) w.offset();
    switch (w.storage()) {
      case FLOAT32 -> data.slice(at, w.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      case INT32 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = data.getInt(at + i * Integer.BYTES);
        }
      }
      case FLOAT16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = HalfFloats.halfToFloat(data.getShort(at + i * Short.BYTES));
        }
      }
      case UINT8 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = dequantize(w, data.get(at + i) & 0xff);
        }
      }
      case UINT16 -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = dequantize(w, data.getShort(at + i * Short.BYTES) & 0xffff);
        }
      }
    }
    return values;
  }

  /** tfjs's {@code q * scale + min} in double (JavaScript numbers), stored once as float32 (or rounded to int32). */
  private static float dequantize(Weight w, int q) {
    double value = q * w.scale() + w.min();
    return w.int32() ? (int) Math.round(value) : (float) value;
  }

  /** At most 80 characters of a value, so that a hostile manifest cannot make a message of megabytes. */
  private static String brief(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  /**
   * A TensorFlow filter {@code [kh, kw, in, out]} in the {@code [out, in, kh, kw]} layout of ONNX and PyTorch
   * convolutions (a depthwise filter {@code [kh, kw, C, 1]} comes out as {@code [1, C, kh, kw]}: reshape it to
   * {@code [C, 1, kh, kw]}).
   */
  public static Tensor hwioToOihw(Tensor filter) {
    checkArgument(filter.rank() == 4, "a filter is [kh, kw, in, out], got %s", filter);
    int kh = filter.dim(0);
    int kw = filter.dim(1);
    int in = filter.dim(2);
    int out = filter.dim(3);
    float[] src = filter.toArray();
    float[] dst = new float[src.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            dst[((o * in + i) * kh + y) * kw + x] = src[((y * kw + x) * in + i) * out + o];
          }
        }
      }
    }
    return Tensor.adopt(dst, out, in, kh, kw);
  }
}
