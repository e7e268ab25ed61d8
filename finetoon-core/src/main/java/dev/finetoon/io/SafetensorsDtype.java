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
      return Tensor.adopt(values, shape);
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
        values[i] = HalfFloats.halfToFloat(in.get(i));
      }
      return Tensor.adopt(values, shape);
    }
  },
  BF16(2) {
    @Override
    Tensor decode(ByteBuffer bytes, int[] shape) {
      ShortBuffer in = littleEndian(bytes).asShortBuffer();
      float[] values = new float[in.remaining()];
      for (int i = 0; i < values.length; i++) {
        values[i] = HalfFloats.bfloat16ToFloat(in.get(i));
      }
      return Tensor.adopt(values, shape);
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
}
