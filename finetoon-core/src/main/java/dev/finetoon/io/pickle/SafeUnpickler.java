package dev.finetoon.io.pickle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * <p>{@code BUILD} applies state only to the few value types finetoon knows. Not thread-safe: one per load.
 */
final class SafeUnpickler extends Unpickler {
  private final PickleGlobals globals;
  private final Function<Object, Object> persistentLoad;
  private ByteArrayInputStream source;
  private int sourceLength;

  SafeUnpickler(PickleGlobals globals, Function<Object, Object> persistentLoad) {
    this.globals = globals;
    this.persistentLoad = persistentLoad;
  }

  /** Loads one pickle from {@code in}, leaving it positioned after the STOP opcode. */
  Object load(ByteArrayInputStream in, int totalLength) throws IOException {
    this.source = in;
    this.sourceLength = totalLength;
    return super.load(in);
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
        stack.add(((net.razorvine.pickle.IObjectConstructor) constructor).construct(args));
        return NO_RETURN_VALUE;
      }
      case Opcodes.BUILD -> {
        build(stack.pop(), stack.peek());
        return NO_RETURN_VALUE;
      }
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
      case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> checkLength(4);
      case Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8, Opcodes.FRAME -> checkLength(8);
      default -> {}
    }
    return super.dispatch(key);
  }

  @Override
  protected Object persistentLoad(Object pid) {
    return persistentLoad.apply(pid);
  }

  /** Peeks at a little-endian length prefix and refuses one longer than what is left of the input. */
  private void checkLength(int width) {
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
  }

  private static void build(Object state, Object target) {
    if (target instanceof NumpyScalars.Dtype dtype) {
      dtype.setState(state);
    } else if (target instanceof BuildTarget buildable) {
      buildable.build(state);
    } else if (!(target instanceof Map)) {
      // Plain dicts, EasyDicts and inert placeholders take their state as attributes finetoon never reads.
      throw new PickleException("cannot apply BUILD state to " + target);
    }
  }
}
