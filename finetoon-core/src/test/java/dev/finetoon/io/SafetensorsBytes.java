package dev.finetoon.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds safetensors files byte by byte, the way the format's specification describes them. */
final class SafetensorsBytes {
  private SafetensorsBytes() {}

  /** JSON written with ' for " to keep it legible in tests. */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  /** A little-endian u64 header length, the header as UTF-8, then {@code data}. */
  static byte[] file(String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return file(json.length, json, data);
  }

  /** A file whose length field claims {@code headerLength}, whatever {@code header} really holds. */
  static byte[] file(long headerLength, byte[] header, byte[] data) {
    return ByteBuffer.allocate(Long.BYTES + header.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(headerLength)
        .put(header)
        .put(data)
        .array();
  }

  /** Little-endian 16-bit values, as F16 or BF16 data. */
  static byte[] shorts(int... values) {
    ByteBuffer out = ByteBuffer.allocate(values.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      out.putShort((short) v);
    }
    return out.array();
  }

  /** Little-endian float64 values. */
  static byte[] doubles(double... values) {
    ByteBuffer out = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.asDoubleBuffer().put(values);
    return out.array();
  }
}
