package dev.finetoon.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: where each tensor lies in the data section, plus string metadata. Parsing
 * checks every field against the size of the data section, so nothing is allocated on the strength of a bad claim.
 */
record SafetensorsHeader(ImmutableMap<String, Entry> entries, ImmutableMap<String, String> metadata) {
  static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** One tensor: its element type, shape, and byte range {@code [begin, end)} within the data section. */
  record Entry(SafetensorsDtype dtype, int[] shape, long begin, long end) {}

  /** Parses and validates UTF-8 JSON against a data section of {@code dataLength} bytes. */
  static SafetensorsHeader parse(ByteBuffer json, long dataLength) throws ModelFormatException {
    JsonNode root = readJson(json);
    if (!root.isObject()) {
      throw new ModelFormatException("safetensors header is not a JSON object but " + root.getNodeType());
    }
    ImmutableMap.Builder<String, Entry> entries = ImmutableMap.builder();
    ImmutableMap<String, String> metadata = ImmutableMap.of();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        metadata = parseMetadata(field.getValue());
      } else {
        entries.put(field.getKey(), parseEntry(field.getKey(), field.getValue(), dataLength));
      }
    }
    ImmutableMap<String, Entry> all = entries.buildOrThrow();
    checkContiguous(all, dataLength);
    return new SafetensorsHeader(all, metadata);
  }

  /**
   * The tensors must tile the data section exactly, as the safetensors format itself requires: no two share bytes
   * (200 views of one 8 MB region would be 1.6 GB of tensors from an 8 MB file) and no bytes lie between them.
   */
  private static void checkContiguous(Map<String, Entry> entries, long dataLength) throws ModelFormatException {
    List<Map.Entry<String, Entry>> byOffset = new ArrayList<>(entries.entrySet());
    byOffset.sort(Comparator.comparingLong((Map.Entry<String, Entry> e) -> e.getValue().begin())
        .thenComparingLong(e -> e.getValue().end()));
    long expected = 0;
    for (Map.Entry<String, Entry> e : byOffset) {
      if (e.getValue().begin() < expected) {
        throw invalid(e.getKey(), "overlaps the tensor before it: its data starts at byte " + e.getValue().begin()
            + ", before byte " + expected);
      }
      if (e.getValue().begin() > expected) {
        throw invalid(e.getKey(), "leaves a gap: its data starts at byte " + e.getValue().begin() + ", not at byte "
            + expected);
      }
      expected = e.getValue().end();
    }
    if (expected != dataLength) {
      throw new ModelFormatException("safetensors tensors end at byte " + expected + " of a " + dataLength
          + "-byte data section: the rest belongs to no tensor");
    }
  }

  /**
   * The header for float32 tensors stored back to back in the given order, as UTF-8 JSON padded with spaces to a
   * multiple of 8 bytes.
   */
  static byte[] encodeFloat32(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA_KEY);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> tensor : tensors.entrySet()) {
      checkArgument(!tensor.getKey().equals(METADATA_KEY), "%s is reserved and cannot name a tensor", METADATA_KEY);
      ObjectNode entry = root.putObject(tensor.getKey());
      entry.put("dtype", SafetensorsDtype.F32.name());
      ArrayNode shape = entry.putArray("shape");
      for (int dim : tensor.getValue().shape()) {
        shape.add(dim);
      }
      long end = offset + (long) tensor.getValue().size() * Float.BYTES;
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(root);
    byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    return padded;
  }

  private static JsonNode readJson(ByteBuffer json) throws ModelFormatException {
    Reader utf8 =
        new InputStreamReader(
            new ByteBufferBackedInputStream(json),
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    try {
      return JSON.readTree(utf8);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ModelFormatException(
          "safetensors header is not valid JSON: " + e.getOriginalMessage()
              + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"),
          e);
    } catch (IOException e) {
      throw new ModelFormatException("safetensors header is not valid UTF-8: " + e.getMessage(), e);
    }
  }

  private static ImmutableMap<String, String> parseMetadata(JsonNode node) throws ModelFormatException {
    if (!node.isObject()) {
      throw new ModelFormatException(METADATA_KEY + " is not a JSON object but " + node.getNodeType());
    }
    ImmutableMap.Builder<String, String> metadata = ImmutableMap.builder();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isTextual()) {
        throw new ModelFormatException(
            METADATA_KEY + " value of '" + brief(field.getKey()) + "' is not a string but "
                + field.getValue().getNodeType());
      }
      metadata.put(field.getKey(), field.getValue().textValue());
    }
    return metadata.buildOrThrow();
  }

  private static Entry parseEntry(String name, JsonNode node, long dataLength) throws ModelFormatException {
    if (!node.isObject()) {
      throw invalid(name, "is not a JSON object but " + node.getNodeType());
    }
    SafetensorsDtype dtype = parseDtype(name, required(name, node, "dtype"));
    int[] shape = parseShape(name, required(name, node, "shape"));
    JsonNode offsets = required(name, node, "data_offsets");
    if (!offsets.isArray() || offsets.size() != 2 || !isLong(offsets.get(0)) || !isLong(offsets.get(1))) {
      throw invalid(name, "has data_offsets " + brief(offsets) + ", not two integers");
    }
    long begin = offsets.get(0).longValue();
    long end = offsets.get(1).longValue();
    if (begin > end) {
      throw invalid(name, "has reversed data_offsets " + offsets);
    }
    if (begin < 0 || end > dataLength) {
      throw invalid(name, "has data_offsets " + offsets + " outside the " + dataLength + "-byte data section");
    }
    long expected = (long) Tensor.checkedSize(shape) * dtype.bytes();
    if (end - begin != expected) {
      throw invalid(
          name, "spans " + (end - begin) + " bytes but " + dtype + Arrays.toString(shape) + " needs " + expected);
    }
    if (expected > Integer.MAX_VALUE) {
      throw invalid(name, "has " + expected + " bytes of data; finetoon reads at most 2 GiB per tensor");
    }
    return new Entry(dtype, shape, begin, end);
  }

  private static JsonNode required(String name, JsonNode entry, String field) throws ModelFormatException {
    JsonNode value = entry.get(field);
    if (value == null) {
      throw invalid(name, "has no \"" + field + "\"");
    }
    return value;
  }

  private static SafetensorsDtype parseDtype(String name, JsonNode node) throws ModelFormatException {
    for (SafetensorsDtype dtype : SafetensorsDtype.values()) {
      if (dtype.name().equals(node.textValue())) {
        return dtype;
      }
    }
    throw invalid(
        name, "has dtype " + brief(node) + "; finetoon reads only " + Arrays.toString(SafetensorsDtype.values()));
  }

  /** The shape, rejecting negative or non-integer dimensions and more than 2^31-1 elements in all. */
  private static int[] parseShape(String name, JsonNode node) throws ModelFormatException {
    if (!node.isArray()) {
      throw invalid(name, "has shape " + brief(node) + ", not an array");
    }
    int[] shape = new int[node.size()];
    long size = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = node.get(i);
      if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.intValue() < 0) {
        throw invalid(name, "has shape " + brief(node) + " with the invalid dimension " + brief(dim));
      }
      shape[i] = dim.intValue();
      size *= shape[i];
      if (size > Integer.MAX_VALUE) {
        throw invalid(name, "has shape " + brief(node) + ", more than 2^31-1 elements");
      }
    }
    return shape;
  }

  private static boolean isLong(JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToLong();
  }

  private static ModelFormatException invalid(String name, String problem) {
    return new ModelFormatException("safetensors tensor '" + brief(name) + "' " + problem);
  }

  /** At most 80 characters of a value, so that a hostile header cannot make a message of megabytes. */
  private static String brief(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
