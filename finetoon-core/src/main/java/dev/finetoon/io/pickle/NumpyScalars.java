package dev.finetoon.io.pickle;

import dev.finetoon.io.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.razorvine.pickle.PickleException;

/**
 * numpy scalars as pickles hold them ({@code numpy.core.multiarray.scalar(dtype, bytes)}), e.g. the float64
 * {@code weight_gain} attributes of NVIDIA's layers. Decoded to Java numbers; nothing of numpy is needed.
 */
final class NumpyScalars {
  private NumpyScalars() {}

  /** A numpy dtype: its type string ({@code f8}, {@code <i4}, …) and, after BUILD, its byte order. */
  static final class Dtype {
    private final String name;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    Dtype(String name) {
      this.name = name.replaceFirst("^[<>|=]", "");
      if (name.startsWith(">")) {
        order = ByteOrder.BIG_ENDIAN;
      }
    }

    /** numpy's {@code dtype.__setstate__}: state[1] is the byte order character. */
    void setState(Object state) {
      if (state instanceof Object[] tuple && tuple.length > 1 && ">".equals(tuple[1])) {
        order = ByteOrder.BIG_ENDIAN;
      }
    }

    /** The type string without its byte-order character, e.g. {@code f4}. */
    String name() {
      return name;
    }

    ByteOrder order() {
      return order;
    }

    @Override
    public String toString() {
      return "dtype(" + name + ")";
    }
  }

  static Object dtype(Object[] args) {
    return new Dtype(PickleGlobals.arg(args, 0, String.class, "numpy.dtype"));
  }

  static Object scalar(Object[] args) {
    Dtype dtype = PickleGlobals.arg(args, 0, Dtype.class, "numpy scalar");
    byte[] raw = PickleGlobals.arg(args, 1, byte[].class, "numpy scalar");
    ByteBuffer data = ByteBuffer.wrap(raw).order(dtype.order);
    int need =
        switch (dtype.name) {
          case "f8", "i8", "u8" -> 8;
          case "f4", "i4", "u4" -> 4;
          case "f2", "i2", "u2" -> 2;
          case "i1", "u1", "b1" -> 1;
          default -> throw new PickleException("numpy scalar of dtype " + dtype.name + " is not supported");
        };
    if (raw.length != need) {
      throw new PickleException("numpy scalar " + dtype.name + " holds " + raw.length + " bytes");
    }
    return switch (dtype.name) {
      case "f8" -> data.getDouble();
      case "f4" -> (double) data.getFloat();
      case "f2" -> (double) HalfFloats.halfToFloat(data.getShort());
      case "i8", "u8" -> data.getLong();
      case "i4" -> (long) data.getInt();
      case "u4" -> data.getInt() & 0xffffffffL;
      case "i2" -> (long) data.getShort();
      case "u2" -> (long) (data.getShort() & 0xffff);
      case "i1" -> (long) data.get();
      case "u1" -> (long) (data.get() & 0xff);
      default -> data.get() != 0;
    };
  }
}
