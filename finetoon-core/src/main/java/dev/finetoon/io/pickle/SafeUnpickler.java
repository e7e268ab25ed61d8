package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Pyrolite's pickle machine with three guards added by hand, because Pyrolite has no hooks for them:
 *
 * <ul>
 *   <li>every global ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code INST}) is resolved by {@link PickleGlobals}, never
 *       by Pyrolite's process-wide constructor registry, so nothing outside the allow-list is ever built;
 *   <li>every length-prefixed opcode is checked against the bytes that remain before Pyrolite allocates a buffer of
 *       the declared length, so a hostile header cannot make it allocate more than the input's own size;
 *   <li>lists, dicts and sets are {@link PyContainers}, which hash, compare and print without recursing, so a
 *       container shared many times over through the memo cannot make that take exponential time.
 * </ul>
 *
 * <p>Work is budgeted too: a pickle may run at most {@value #MAX_OPCODES} opcodes (each makes at most one object or
 * memo entry, so a flood of {@code EMPTY_DICT} and {@code MEMOIZE} stops at some 100 MB of heap), an integer may
 * have at most {@value #MAX_INT_DIGITS} decimal digits (Python's own limit; parsing more takes quadratic time) or
 * {@value #MAX_LONG_BYTES} bytes.
 *
 * <p>{@code BUILD} applies state only to the few value types finetoon knows. Not thread-safe: one per load.
 */
final class SafeUnpickler extends Unpickler {
  /** Far more than any model file needs: NVIDIA's snapshots run a few tens of thousands. */
  static final int MAX_OPCODES = 1_000_000;
  /** Python 3.11's {@code sys.int_info.default_max_str_digits}. */
  static final int MAX_INT_DIGITS = 4300;
  /** An integer of 8 192 bits; the torch magic number has 10 bytes. */
  static final int MAX_LONG_BYTES = 1024;

  private final PickleGlobals globals;
  private final Function<Object, Object> persistentLoad;
  private ByteArrayInputStream source;
  private int sourceLength;
  private Map<byte[], Integer> bytesOffsets;
  private int opcodes;
  private int opcodeAt;

  SafeUnpickler(PickleGlobals globals, Function<Object, Object> persistentLoad) {
    this.globals = globals;
    this.persistentLoad = persistentLoad;
  }

  /**
   * From now on, records in {@code offsets} (by identity) the input offset where each {@code bytes} object's payload
   * starts, so that a writer can patch the payloads in a copy of the input; {@code null} stops recording.
   */
  void recordBytesOffsets(Map<byte[], Integer> offsets) {
    this.bytesOffsets = offsets;
  }

  /**
   * Loads one pickle from {@code in} with {@code globals}, leaving {@code in} after its STOP opcode; every failure is
   * a {@link ModelFormatException} (an {@link dev.finetoon.UnsafePickleException} for a dangerous global) whose
   * message starts with {@code source}.
   */
  static Object loadOne(
      ByteArrayInputStream in, int length, PickleGlobals globals, Function<Object, Object> persistentLoad,
      String source) throws ModelFormatException {
    return loadOne(in, length, globals, persistentLoad, source, null);
  }

  /** {@link #loadOne(ByteArrayInputStream, int, PickleGlobals, Function, String)}, recording bytes offsets too. */
  static Object loadOne(
      ByteArrayInputStream in, int length, PickleGlobals globals, Function<Object, Object> persistentLoad,
      String source, Map<byte[], Integer> bytesOffsets) throws ModelFormatException {
    try {
      SafeUnpickler unpickler = new SafeUnpickler(globals, persistentLoad);
      unpickler.recordBytesOffsets(bytesOffsets);
      return unpickler.load(in, length);
    } catch (PickleFailure e) {
      throw withSource(source, e.getCause());
    } catch (ModelFormatException e) {
      throw withSource(source, e);
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException(source + " is truncated or corrupt: " + e.getMessage(), e);
    } catch (StackOverflowError e) {
      throw new ModelFormatException(source + " is nested too deeply to read", e);
    }
  }

  private static ModelFormatException withSource(String source, ModelFormatException e) {
    if (e instanceof dev.finetoon.UnsafePickleException) {
      return e;
    }
    return new ModelFormatException(source + ": " + e.getMessage(), e);
  }

  /** Loads one pickle from {@code in}, leaving it positioned after the STOP opcode. */
  Object load(ByteArrayInputStream in, int totalLength) throws IOException {
    this.source = in;
    this.sourceLength = totalLength;
    try {
      return super.load(in);
    } catch (IndexOutOfBoundsException e) {
      // Pyrolite pops from its stack without checking it is not empty.
      throw new PickleException("corrupt pickle: the opcode at byte " + opcodeAt + " finds too few values");
    } catch (ClassCastException e) {
      // Pyrolite casts what it pops to what the opcode expects.
      throw new PickleException("corrupt pickle: the opcode at byte " + opcodeAt + " finds a value of the wrong type");
    }
  }

  @Override
  public Object load(java.io.InputStream stream) throws IOException {
    if (stream != source) {
      throw new IllegalStateException("use load(ByteArrayInputStream, int)");
    }
    return super.load(stream);
  }

  @Override
  protected Object dispatch(short key) throws IOException {
    opcodeAt = sourceLength - source.available() - 1;
    if (++opcodes > MAX_OPCODES) {
      throw new PickleException("pickle has more than " + MAX_OPCODES + " opcodes, far beyond any model file");
    }
    switch (key) {
      case Opcodes.GLOBAL -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(globals.resolve(module, name));
        return NO_RETURN_VALUE;
      }
      case Opcodes.STACK_GLOBAL -> {
        Object name = stack.pop();
        Object module = stack.pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
          throw new PickleException("STACK_GLOBAL needs two strings");
        }
        stack.add(globals.resolve(m, n));
        return NO_RETURN_VALUE;
      }
      case Opcodes.INST -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        Object constructor = globals.resolve(module, name);
        Object[] args = stack.pop_all_since_marker().toArray();
        stack.add(globals.construct(callable(constructor), args));
        return NO_RETURN_VALUE;
      }
      case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
        Object args = stack.pop();
        IObjectConstructor constructor = callable(stack.pop());
        if (!(args instanceof Object[] tuple)) {
          throw new PickleException("the opcode at byte " + opcodeAt + " calls with " + PickleText.describe(args)
              + " as arguments, not a tuple");
        }
        stack.add(globals.construct(constructor, tuple));
        return NO_RETURN_VALUE;
      }
      case Opcodes.NEWOBJ_EX -> {
        Object kwargs = stack.pop();
        Object args = stack.pop();
        IObjectConstructor constructor = callable(stack.pop());
        if (!(args instanceof Object[] tuple) || !(kwargs instanceof Map<?, ?> map) || !map.isEmpty()) {
          throw new PickleException("NEWOBJ_EX at byte " + opcodeAt + " with keyword arguments is not supported");
        }
        stack.add(globals.construct(constructor, tuple));
        return NO_RETURN_VALUE;
      }
      case Opcodes.BUILD -> {
        build(stack.pop(), stack.peek());
        return NO_RETURN_VALUE;
      }
      case Opcodes.INT, Opcodes.LONG -> checkLineLength(MAX_INT_DIGITS + 2);
      case Opcodes.EMPTY_LIST -> {
        stack.add(new PyContainers.PyList(List.of()));
        return NO_RETURN_VALUE;
      }
      case Opcodes.LIST -> {
        stack.add(new PyContainers.PyList(stack.pop_all_since_marker()));
        return NO_RETURN_VALUE;
      }
      case Opcodes.EMPTY_DICT -> {
        stack.add(new PyContainers.PyDict());
        return NO_RETURN_VALUE;
      }
      case Opcodes.DICT -> {
        List<Object> items = stack.pop_all_since_marker();
        PyContainers.PyDict dict = new PyContainers.PyDict();
        for (int i = 0; i < items.size(); i += 2) {
          dict.put(items.get(i), items.get(i + 1));
        }
        stack.add(dict);
        return NO_RETURN_VALUE;
      }
      case Opcodes.EMPTY_SET -> {
        stack.add(new PyContainers.PySet(List.of()));
        return NO_RETURN_VALUE;
      }
      case Opcodes.FROZENSET -> {
        stack.add(new PyContainers.PySet(stack.pop_all_since_marker()));
        return NO_RETURN_VALUE;
      }
      case Opcodes.BINPERSID, Opcodes.PERSID -> {
        if (persistentLoad == null) {
          throw new PickleException("unexpected persistent id in this pickle");
        }
        return super.dispatch(key);
      }
      case Opcodes.LONG4 -> {
        if (checkLength(4) > MAX_LONG_BYTES) {
          throw new PickleException("the integer at byte " + opcodeAt + " has more than " + MAX_LONG_BYTES + " bytes");
        }
      }
      case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE -> checkLength(4);
      case Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8, Opcodes.FRAME -> checkLength(8);
      default -> {}
    }
    int prefix = switch (key) {
      case Opcodes.SHORT_BINBYTES -> 1;
      case Opcodes.BINBYTES -> 4;
      case Opcodes.BINBYTES8 -> 8;
      default -> -1;
    };
    if (bytesOffsets == null || prefix < 0) {
      return super.dispatch(key);
    }
    int payload = sourceLength - source.available() + prefix;
    Object result = super.dispatch(key);
    bytesOffsets.put((byte[]) stack.peek(), payload);
    return result;
  }

  @Override
  protected Object persistentLoad(Object pid) {
    return persistentLoad.apply(pid);
  }

  private IObjectConstructor callable(Object value) {
    if (value instanceof IObjectConstructor constructor) {
      return constructor;
    }
    throw new PickleException("the opcode at byte " + opcodeAt + " calls " + PickleText.describe(value)
        + ", which is not a global");
  }

  /** Refuses a text-line argument (a decimal integer) longer than {@code max} bytes before it is read. */
  private void checkLineLength(int max) {
    source.mark(max);
    int read = 0;
    int b;
    while ((b = source.read()) != -1 && b != '\n') {
      if (++read >= max) {
        throw new PickleException("the integer at byte " + opcodeAt + " has more than " + MAX_INT_DIGITS
            + " digits (Python refuses those too)");
      }
    }
    source.reset();
  }

  /** Peeks at a little-endian length prefix, refuses one longer than what is left of the input, returns it. */
  private long checkLength(int width) {
    int position = sourceLength - source.available();
    if (source.available() < width) {
      throw new PickleException("truncated pickle: length prefix at byte " + position + " runs past the end");
    }
    source.mark(width);
    byte[] prefix = new byte[width];
    source.read(prefix, 0, width);
    source.reset();
    ByteBuffer b = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN);
    long length = width == 4 ? b.getInt() : b.getLong();
    long remaining = source.available() - width;
    if (length < 0 || length > remaining) {
      throw new PickleException(
          "corrupt or truncated pickle: an item at byte " + position + " declares " + length + " bytes but only "
              + remaining + " remain");
    }
    return length;
  }

  private void build(Object state, Object target) {
    if (state instanceof Map<?, ?> attributes && attributes.containsKey("build_module_src")) {
      // A TensorFlow dnnlib Network: Python execs this source in __setstate__.
      globals.embeddedCode("TensorFlow network " + PickleText.describe(attributes.get("name")),
          attributes.get("build_module_src"));
    }
    if (target instanceof NumpyScalars.Dtype dtype) {
      dtype.setState(state);
    } else if (target instanceof BuildTarget buildable) {
      buildable.build(state);
    } else if (!(target instanceof Map)) {
      // Plain dicts, EasyDicts and inert placeholders take their state as attributes finetoon never reads.
      throw new PickleException("cannot apply BUILD state to " + PickleText.describe(target));
    }
  }
}
