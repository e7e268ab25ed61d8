package dev.finetoon.io.pickle;

import dev.finetoon.io.HalfFloats;
import java.nio.ByteBuffer;

/** The element types of torch's legacy typed storages ({@code torch.FloatStorage}, …) that finetoon reads. */
enum StorageType {
  FLOAT(4),
  HALF(2),
  BFLOAT16(2),
  DOUBLE(8),
  LONG(8),
  INT(4),
  SHORT(2),
  CHAR(1),
  BYTE(1),
  BOOL(1);

  private final int elementSize;

  StorageType(int elementSize) {
    this.elementSize = elementSize;
  }

  int elementSize() {
    return elementSize;
  }

  /** The type for a global such as {@code torch.HalfStorage}, or null. */
  static StorageType forGlobal(String module, String name) {
    if (!module.equals("torch") || !name.endsWith("Storage")) {
      return null;
    }
    return switch (name) {
      case "FloatStorage" -> FLOAT;
      case "HalfStorage" -> HALF;
      case "BFloat16Storage" -> BFLOAT16;
      case "DoubleStorage" -> DOUBLE;
      case "LongStorage" -> LONG;
      case "IntStorage" -> INT;
      case "ShortStorage" -> SHORT;
      case "CharStorage" -> CHAR;
      case "ByteStorage" -> BYTE;
      case "BoolStorage" -> BOOL;
      default -> null;
    };
  }

  /** Element {@code i} of little-endian data as a float (half, bfloat16 and double are converted). */
  float read(ByteBuffer data, int i) {
    int at = i * elementSize;
    return switch (this) {
      case FLOAT -> data.getFloat(at);
      case HALF -> HalfFloats.halfToFloat(data.getShort(at));
      case BFLOAT16 -> HalfFloats.bfloat16ToFloat(data.getShort(at));
      case DOUBLE -> (float) data.getDouble(at);
      case LONG -> data.getLong(at);
      case INT -> data.getInt(at);
      case SHORT -> data.getShort(at);
      case CHAR -> data.get(at);
      case BYTE -> data.get(at) & 0xff;
      case BOOL -> data.get(at) != 0 ? 1f : 0f;
    };
  }
}
