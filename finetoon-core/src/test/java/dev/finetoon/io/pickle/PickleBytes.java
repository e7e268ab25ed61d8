package dev.finetoon.io.pickle;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-assembles pickles from Java values, opcode by opcode, for tests that need files no well-behaved pickler writes.
 * Values: {@code null}, Boolean, Integer/Long/BigInteger, Double, String, byte[] (BINBYTES), Object[] (tuple), List,
 * Map, and the records below. Globals are written as {@code GLOBAL} below protocol 4 and as {@code STACK_GLOBAL} from
 * 4 on; only {@link Put} memoizes, and no frames are written.
 */
final class PickleBytes {
  /** A global by module and name, e.g. {@code os.system}. */
  record Global(String module, String name) {
    static Global of(String dotted) {
      int dot = dotted.lastIndexOf('.');
      return new Global(dotted.substring(0, dot), dotted.substring(dot + 1));
    }
  }

  /** {@code global(*args)}: the global, the arguments as a tuple, REDUCE. */
  record Call(Global global, Object... args) {
    Call(String dotted, Object... args) {
      this(Global.of(dotted), args);
    }
  }

  /** {@code target} with BUILD applying {@code state}. */
  record Build(Object target, Object state) {}

  /** A persistent id: {@code pid} then BINPERSID. */
  record PersistentId(Object pid) {}

  /** {@code value}, then BINPUT {@code index} to memoize it. */
  record Put(int index, Object value) {}

  /** BINGET {@code index}: a value memoized earlier. */
  record Get(int index) {}

  /** Opcodes written as they are. */
  record Raw(byte[] opcodes) {}

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final int protocol;

  private PickleBytes(int protocol) {
    this.protocol = protocol;
  }

  /** A complete pickle: PROTO, the value, STOP. */
  static byte[] pickle(int protocol, Object value) {
    PickleBytes p = new PickleBytes(protocol);
    p.out.write(0x80);
    p.out.write(protocol);
    p.value(value);
    p.out.write('.');
    return p.out.toByteArray();
  }

  /** The opcodes of one value alone, to splice into an existing pickle of the given protocol. */
  static byte[] opcodes(int protocol, Object value) {
    PickleBytes p = new PickleBytes(protocol);
    p.value(value);
    return p.out.toByteArray();
  }

  /** A map in the order given: key, value, key, value, … */
  static Map<Object, Object> dict(Object... keysAndValues) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /**
   * {@code torch_utils.persistence._reconstruct_persistent_obj(meta)} as NVIDIA's persistence writes it, with
   * {@code source} as the {@code module_src} that Python would execute.
   */
  static Call persistent(String className, Object source, Map<Object, Object> state) {
    Map<Object, Object> meta =
        dict("type", "class", "version", 6, "module_src", source, "class_name", className, "state", state);
    return new Call("torch_utils.persistence._reconstruct_persistent_obj", meta);
  }

  /** {@code torch.storage._load_from_bytes(stream)}: a storage as NVIDIA's pickles hold it. */
  static Call loadFromBytes(byte[] stream) {
    return new Call("torch.storage._load_from_bytes", (Object) stream);
  }

  /**
   * A legacy {@code torch.save} stream of one storage: magic, 1001, system info, the persistent id {@code ('storage',
   * torch.<type>, '0', 'cpu', numel, None)}, the key list, then {@code count} as 8 bytes and {@code data}.
   */
  static byte[] storageStream(String type, long numel, long count, byte[] data) {
    Map<Object, Object> sysInfo =
        dict("protocol_version", 1001, "little_endian", true, "type_sizes", dict("short", 2, "int", 4, "long", 4));
    Object[] pid = {"storage", new Global("torch", type), "0", "cpu", numel, null};
    return concat(
        pickle(2, new BigInteger("1950a86a20f9469cfc6c", 16)),
        pickle(2, 1001),
        pickle(2, sysInfo),
        pickle(2, new PersistentId(pid)),
        pickle(2, List.of("0")),
        le64(count),
        data);
  }

  static byte[] le64(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  private void value(Object v) {
    if (v == null) {
      out.write('N');
    } else if (v instanceof Boolean b) {
      out.write(b ? 0x88 : 0x89);
    } else if (v instanceof Integer || v instanceof Long) {
      long n = ((Number) v).longValue();
      if (n == (int) n) {
        out.write('J');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) n).array());
      } else {
        value(BigInteger.valueOf(n));
      }
    } else if (v instanceof BigInteger n) {
      byte[] bigEndian = n.toByteArray();
      out.write(0x8a);
      out.write(bigEndian.length);
      for (int i = bigEndian.length - 1; i >= 0; i--) {
        out.write(bigEndian[i]);
      }
    } else if (v instanceof Double d) {
      out.write('G');
      out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
    } else if (v instanceof String s) {
      lengthPrefixed('X', s.getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof byte[] b) {
      lengthPrefixed('B', b);
    } else if (v instanceof Object[] tuple) {
      out.write('(');
      for (Object item : tuple) {
        value(item);
      }
      out.write('t');
    } else if (v instanceof List<?> list) {
      out.write(']');
      out.write('(');
      list.forEach(this::value);
      out.write('e');
    } else if (v instanceof Map<?, ?> map) {
      out.write('}');
      out.write('(');
      map.forEach((k, x) -> {
        value(k);
        value(x);
      });
      out.write('u');
    } else if (v instanceof Global g) {
      if (protocol >= 4) {
        value(g.module());
        value(g.name());
        out.write(0x93);
      } else {
        out.writeBytes(("c" + g.module() + "\n" + g.name() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } else if (v instanceof Call c) {
      value(c.global());
      value(c.args());
      out.write('R');
    } else if (v instanceof Build b) {
      value(b.target());
      value(b.state());
      out.write('b');
    } else if (v instanceof PersistentId p) {
      value(p.pid());
      out.write('Q');
    } else if (v instanceof Put p) {
      value(p.value());
      out.write('q');
      out.write(p.index());
    } else if (v instanceof Get g) {
      out.write('h');
      out.write(g.index());
    } else if (v instanceof Raw r) {
      out.writeBytes(r.opcodes());
    } else {
      throw new IllegalArgumentException("cannot pickle " + v.getClass());
    }
  }

  private void lengthPrefixed(int opcode, byte[] payload) {
    out.write(opcode);
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length).array());
    out.writeBytes(payload);
  }
}
