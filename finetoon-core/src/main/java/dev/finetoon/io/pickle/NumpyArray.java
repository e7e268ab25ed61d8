package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.io.HalfFloats;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * A numpy array as numpy 1.x pickles it: {@code numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')}, then
 * {@code BUILD (version, shape, dtype, is_fortran, raw_bytes)}. Only the raw-bytes form of numeric dtypes is read;
 * object arrays and Fortran order are refused when the values are asked for.
 */
final class NumpyArray implements BuildTarget {
  /** The global {@code numpy.ndarray}, accepted only as the first argument of {@code _reconstruct}. */
  static final IObjectConstructor NDARRAY = new IObjectConstructor() {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("numpy.ndarray is only read through numpy.core.multiarray._reconstruct");
    }

    @Override
    public String toString() {
      return "<numpy.ndarray>";
    }
  };

  private int[] shape;
  private NumpyScalars.Dtype dtype;
  private boolean fortran;
  private byte[] data;

  private NumpyArray() {}

  static Object reconstruct(Object[] args) {
    if (args.length < 1 || args[0] != NDARRAY) {
      throw new PickleException("_reconstruct of something other than numpy.ndarray");
    }
    return new NumpyArray();
  }

  @Override
  public void build(Object state) {
    if (!(state instanceof Object[] t) || t.length != 5 || !(t[1] instanceof Object[] dims)
        || !(t[2] instanceof NumpyScalars.Dtype type) || !(t[3] instanceof Boolean isFortran)) {
      throw new PickleException("numpy array state is not (version, shape, dtype, is_fortran, data)");
    }
    int[] sizes = new int[dims.length];
    for (int d = 0; d < dims.length; d++) {
      if (!(dims[d] instanceof Number n) || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
        throw new PickleException("numpy array dimension " + dims[d] + " out of range");
      }
      sizes[d] = n.intValue();
    }
    shape = sizes;
    dtype = type;
    fortran = isFortran;
    data = t[4] instanceof byte[] raw ? raw : null;
  }

  int[] shape() {
    return shape == null ? new int[0] : shape.clone();
  }

  /** The values as float32; {@code name} appears in messages. */
  Tensor toTensor(String name) throws ModelFormatException {
    if (shape == null) {
      throw new ModelFormatException(name + " is a numpy array without state");
    }
    if (data == null || fortran) {
      throw new ModelFormatException(name + " is a numpy object or Fortran-order array; only C-order numbers are read");
    }
    int itemSize = switch (dtype.name()) {
      case "f4" -> 4;
      case "f8" -> 8;
      case "f2" -> 2;
      default -> throw new ModelFormatException(name + " has numpy dtype " + dtype.name() + "; floats are expected");
    };
    long count = 1;
    for (int size : shape) {
      count *= size;
      if (count > Integer.MAX_VALUE) {
        throw new ModelFormatException(name + " has shape " + Arrays.toString(shape) + ": too large");
      }
    }
    if (data.length != count * itemSize) {
      throw new ModelFormatException(name + " has shape " + Arrays.toString(shape) + " of " + dtype.name()
          + " but holds " + data.length + " bytes");
    }
    ByteBuffer bytes = ByteBuffer.wrap(data).order(dtype.order());
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = switch (itemSize) {
        case 4 -> bytes.getFloat(4 * i);
        case 8 -> (float) bytes.getDouble(8 * i);
        default -> HalfFloats.halfToFloat(bytes.getShort(2 * i));
      };
    }
    return Tensor.adopt(values, shape.clone());
  }

  @Override
  public String toString() {
    return "<numpy array " + Arrays.toString(shape) + ">";
  }
}
