package dev.finetoon.io.pickle;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pickle.Pickler(f, protocol).dump(obj)} of CPython for the few value types PyTorch files hold: None, Boolean,
 * Integer, Long, BigInteger, Double, String, byte[] (bytes), Object[] (tuple), List, Map (dict), Set (set),
 * {@link Global}, {@link Reduce} and {@link PersistentId}. The opcodes are CPython's: its memo (every string, tuple,
 * container, global and reduced object; strings by value, as CPython's interned names), its choice of opcode per value
 * and batch size, {@code GLOBAL} and {@code BINPUT} up to protocol 3, {@code STACK_GLOBAL}, {@code MEMOIZE} and 64 KiB
 * frames from 4. Written by hand: Pyrolite's pickler writes neither {@code GLOBAL}/{@code REDUCE} of arbitrary
 * callables nor CPython's memo, which {@code torch.save}'s files have.
 *
 * <pre>{@code
 * Global orderedDict = new Global("collections", "OrderedDict");
 * byte[] bytes = PythonPickler.dump(2, new Reduce(orderedDict, new Object[0], items, null));
 * }</pre>
 *
 * <p>Not thread-safe; {@link #dump} makes one per call.
 */
final class PythonPickler {
  /** A Python global, {@code module.name}. */
  record Global(String module, String name) {}

  /** {@code func(*args)}, then the items of a dict subclass, then {@code BUILD} with {@code state} (if not null). */
  record Reduce(Global func, Object[] args, Map<?, ?> items, Object state) {}

  /** A persistent id: the pickler writes {@code pid} and {@code BINPERSID} in place of the object. */
  record PersistentId(Object pid) {}

  private static final Global SET = new Global("builtins", "set");
  private static final int FRAME_TARGET = 64 * 1024;

  private final int protocol;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private ByteArrayOutputStream frame = new ByteArrayOutputStream();
  private final Map<Object, Integer> memo = new IdentityHashMap<>();
  /** Strings and globals are memoized by value: CPython's are interned. */
  private final Map<Object, Integer> valueMemo = new HashMap<>();

  private PythonPickler(int protocol) {
    this.protocol = protocol;
  }

  private byte[] pickle(Object value) {
    out.write(0x80);
    out.write(protocol);
    save(value);
    frame.write('.');
    commitFrame(true);
    return out.toByteArray();
  }

  private void save(Object v) {
    commitFrame(false);
    Integer memoized = v instanceof String || v instanceof Global ? valueMemo.get(v) : v == null ? null : memo.get(v);
    if (memoized != null) {
      get(memoized);
      return;
    }
    if (v == null) {
      frame.write('N');
    } else if (v instanceof Boolean b) {
      frame.write(b ? 0x88 : 0x89);
    } else if (v instanceof Integer || v instanceof Long) {
      saveInt(((Number) v).longValue());
    } else if (v instanceof BigInteger n) {
      byte[] bigEndian = n.toByteArray();
      frame.write(0x8a);
      frame.write(bigEndian.length);
      for (int i = bigEndian.length - 1; i >= 0; i--) {
        frame.write(bigEndian[i]);
      }
    } else if (v instanceof Double d) {
      frame.write('G');
      frame.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
    } else if (v instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      if (protocol >= 4 && utf8.length < 256) {
        frame.write(0x8c);
        frame.write(utf8.length);
        frame.writeBytes(utf8);
      } else {
        frame.write('X');
        frame.writeBytes(le32(utf8.length));
        frame.writeBytes(utf8);
      }
      memoize(v);
    } else if (v instanceof byte[] b && protocol < 3) {
      // Python 3 pickles bytes for protocol 2 as _codecs.encode(str(b, 'latin1'), 'latin1'), b'' as bytes().
      saveReduce(b.length == 0 ? new Reduce(new Global("__builtin__", "bytes"), new Object[0], null, null)
          : new Reduce(new Global("_codecs", "encode"),
              new Object[] {new String(b, StandardCharsets.ISO_8859_1), "latin1"}, null, null), v);
    } else if (v instanceof byte[] b) {
      if (b.length < 256) {
        frame.write('C');
        frame.write(b.length);
      } else {
        frame.write('B');
        frame.writeBytes(le32(b.length));
      }
      frame.writeBytes(b);
      memoize(v);
    } else if (v instanceof Object[] tuple) {
      saveTuple(tuple);
    } else if (v instanceof List<?> list) {
      frame.write(']');
      memoize(v);
      batch(list, 'a', 'e');
    } else if (v instanceof Map<?, ?> map) {
      frame.write('}');
      memoize(v);
      setItems(map);
    } else if (v instanceof Set<?> set) {
      if (protocol < 4) {
        saveReduce(new Reduce(SET, new Object[] {new ArrayList<Object>(set)}, null, null), v);
      } else {
        frame.write(0x8f);
        memoize(v);
        if (!set.isEmpty()) {
          frame.write('(');
          set.forEach(this::save);
          frame.write(0x90);
        }
      }
    } else if (v instanceof Global g) {
      if (protocol >= 4) {
        save(g.module());
        save(g.name());
        frame.write(0x93);
      } else {
        frame.write('c');
        frame.writeBytes((g.module() + "\n" + g.name() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      memoize(v);
    } else if (v instanceof Reduce r) {
      saveReduce(r, r);
    } else if (v instanceof PersistentId p) {
      save(p.pid());
      frame.write('Q');
    } else {
      throw new IllegalArgumentException("cannot pickle " + v.getClass());
    }
  }

  private void saveInt(long n) {
    if (n >= 0 && n <= 0xff) {
      frame.write('K');
      frame.write((int) n);
    } else if (n >= 0 && n <= 0xffff) {
      frame.write('M');
      frame.write((int) n);
      frame.write((int) (n >> 8));
    } else if (n == (int) n) {
      frame.write('J');
      frame.writeBytes(le32((int) n));
    } else {
      save(BigInteger.valueOf(n));
    }
  }

  private void saveTuple(Object[] tuple) {
    if (tuple.length == 0) {
      frame.write(')');
      return;
    }
    if (tuple.length <= 3) {
      for (Object item : tuple) {
        save(item);
      }
      frame.write(0x84 + tuple.length);
    } else {
      frame.write('(');
      for (Object item : tuple) {
        save(item);
      }
      frame.write('t');
    }
    memoize(tuple);
  }

  private void saveReduce(Reduce r, Object memoKey) {
    save(r.func());
    save(r.args());
    frame.write('R');
    memoize(memoKey);
    if (r.items() != null) {
      setItems(r.items());
    }
    if (r.state() != null) {
      save(r.state());
      frame.write('b');
    }
  }

  private void setItems(Map<?, ?> map) {
    List<Object> flat = new ArrayList<>();
    map.forEach((k, x) -> {
      flat.add(k);
      flat.add(x);
    });
    batch(flat, 's', 'u');
  }

  /** CPython's batching: one element with the single opcode, more between MARK and the plural, 1000 at a time. */
  private void batch(List<?> items, int one, int many) {
    int per = one == 's' ? 2 : 1;
    for (int start = 0; start < items.size(); start += 1000 * per) {
      List<?> chunk = items.subList(start, Math.min(items.size(), start + 1000 * per));
      if (chunk.size() == per) {
        chunk.forEach(this::save);
        frame.write(one);
      } else {
        frame.write('(');
        chunk.forEach(this::save);
        frame.write(many);
      }
    }
  }

  private void memoize(Object v) {
    int index = memo.size() + valueMemo.size();
    if (v instanceof String || v instanceof Global) {
      valueMemo.put(v, index);
    } else {
      memo.put(v, index);
    }
    if (protocol >= 4) {
      frame.write(0x94);
    } else if (index < 256) {
      frame.write('q');
      frame.write(index);
    } else {
      frame.write('r');
      frame.writeBytes(le32(index));
    }
  }

  private void get(int index) {
    if (index < 256) {
      frame.write('h');
      frame.write(index);
    } else {
      frame.write('j');
      frame.writeBytes(le32(index));
    }
  }

  /** Protocol 4 frames: a FRAME opcode and length before each 64 KiB of opcodes (before the rest, at the end). */
  private void commitFrame(boolean force) {
    if (frame.size() >= FRAME_TARGET || force) {
      if (protocol >= 4 && frame.size() >= 4) {
        out.write(0x95);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(frame.size()).array());
      }
      out.writeBytes(frame.toByteArray());
      frame = new ByteArrayOutputStream();
    }
  }

  private static byte[] le32(int n) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(n).array();
  }

  /** The pickle of {@code value} in {@code protocol} (2 to 4). */
  static byte[] dump(int protocol, Object value) {
    return new PythonPickler(protocol).pickle(value);
  }
}
