package dev.finetoon.io;

import dev.finetoon.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.ShortBuffer;

/** The safetensors element types finetoon reads, each decoded to float32 (F64 rounded, the others exact). */
enum SafetensorsDtype {
  F64(8) {
    @Override
    Tensor decode(ByteBuffer bytes, int[] shape) {
      DoubleBuffer in = littleEndian(bytes).asDoubleBuffer();
      float[] values = new float[in.remaining()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) in.get(i);
      }
      return Tensor.of(values, shape);
    }
  },
  F32(4) {
    @Override
    Tensor decode(ByteBuffer bytes, int[] shape) {
      return Tensor.fromLittleEndian(bytes, shape);
    }
  },
  F16(2) {
    @Override
    Tensor decode(ByteBuffer bytes, int[] shape) {
      ShortBuffer in = littleEndian(bytes).asShortBuffer();
      float[] values = new float[in.remaining()];
      for (int i = 0; i < values.length; i++) {
        values[i] = halfToFloat(in.get(i));
      }
      return Tensor.of(values, shape);
    }
  },
  BF16(2) {
    @Override
    Tensor decode(ByteBuffer bytes, int[] shape) {
      ShortBuffer in = littleEndian(bytes).asShortBuffer();
      float[] values = new float[in.remaining()];
      for (int i = 0; i < values.length; i++) {
        values[i] = Float.intBitsToFloat((in.get(i) & 0xffff) << 16);
      }
      return Tensor.of(values, shape);
    }
  };

  private final int bytes;

  SafetensorsDtype(int bytes) {
    this.bytes = bytes;
  }

  /** The size of one element in bytes. */
  int bytes() {
    return bytes;
  }

  /** The tensor held by {@code bytes}, which must be exactly the shape's element count times {@link #bytes()}. */
  abstract Tensor decode(ByteBuffer bytes, int[] shape);

  private static ByteBuffer littleEndian(ByteBuffer bytes) {
    return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** IEEE 754 binary16 to binary32; every half value, subnormals, infinities and NaN payloads included, is exact. */
  static float halfToFloat(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    int floatExponent = exponent == 0x1f ? 0xff : exponent - 15 + 127;
    return Float.intBitsToFloat(sign | floatExponent << 23 | mantissa << 13);
  }
}
