package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.PickleException;

/**
 * Reads the bytes of {@code torch.storage._load_from_bytes}: a legacy (non-zip) {@code torch.save} stream. Written by
 * hand because no Java library reads it. Layout: four pickles (magic number, protocol version 1001, system info, the
 * storage as a persistent id {@code ('storage', torch.FloatStorage, key, location, numel[, view])}), a pickled list of
 * storage keys, then per key an 8-byte little-endian element count and the raw little-endian data.
 */
final class LegacyStorageReader {
  private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final int PROTOCOL_VERSION = 1001;

  private LegacyStorageReader() {}

  private record StorageId(StorageType type, String key, long numel) {}

  static TorchStorage read(byte[] bytes) throws ModelFormatException {
    return read(bytes, PickleGlobals.forStorageStreams());
  }

  /** Reads a stream nested in a pickle, resolving its globals with {@code globals} (which records them). */
  static TorchStorage read(byte[] bytes, PickleGlobals globals) throws ModelFormatException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    try {
      Object magic = loadOne(in, bytes.length, globals, null);
      if (!(magic instanceof Number n)
          || !MAGIC.equals(n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue()))) {
        throw new ModelFormatException(
            "storage stream has no torch magic number (got " + PickleText.describe(magic) + ")");
      }
      Object version = loadOne(in, bytes.length, globals, null);
      if (!(version instanceof Number v) || v.intValue() != PROTOCOL_VERSION) {
        throw new ModelFormatException(
            "storage stream has protocol version " + PickleText.describe(version) + ", expected 1001");
      }
      Object sysInfo = loadOne(in, bytes.length, globals, null);
      if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
        throw new ModelFormatException("big-endian torch storages are not supported");
      }
      Object root = loadOne(in, bytes.length, globals, LegacyStorageReader::storageId);
      if (!(root instanceof StorageId id)) {
        throw new ModelFormatException("storage stream holds " + PickleText.describe(root) + ", not a storage");
      }
      Object keys = loadOne(in, bytes.length, globals, null);
      if (!(keys instanceof List<?> list) || list.size() != 1 || !id.key().equals(list.get(0))) {
        throw new ModelFormatException("storage stream keys " + PickleText.describe(keys) + " do not match storage "
            + PickleText.describe(id.key()));
      }
      return data(bytes, bytes.length - in.available(), id);
    } catch (ModelFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Pyrolite reports some corrupt opcodes with unchecked exceptions of its own choosing (a pop from an empty
      // stack, an unparsable INT, GET or PUT argument).
      throw new ModelFormatException("corrupt torch storage stream: " + e.getMessage(), e);
    }
  }

  private static Object loadOne(
      ByteArrayInputStream in, int length, PickleGlobals globals,
      java.util.function.Function<Object, Object> persistentLoad) throws IOException {
    return new SafeUnpickler(globals, persistentLoad).load(in, length);
  }

  private static Object storageId(Object pid) {
    if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
      throw new PickleException("unsupported persistent id in storage stream");
    }
    if (!(t[1] instanceof StorageType type)) {
      throw new PickleException("unsupported storage type " + PickleText.describe(t[1]));
    }
    if (!(t[2] instanceof String key) || !(t[4] instanceof Number numel)) {
      throw new PickleException("malformed storage id");
    }
    return new StorageId(type, key, numel.longValue());
  }

  private static TorchStorage data(byte[] bytes, int at, StorageId id) throws ModelFormatException {
    if (bytes.length - at < Long.BYTES) {
      throw new ModelFormatException("storage stream truncated before the element count of " + id.key());
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long count = buffer.getLong(at);
    long available = (bytes.length - at - Long.BYTES) / id.type().elementSize();
    if (count < 0 || count > available) {
      throw new ModelFormatException(
          "storage " + id.key() + " claims " + count + " elements but the stream holds at most " + available);
    }
    if (count != id.numel()) {
      throw new ModelFormatException(
          "storage " + id.key() + " holds " + count + " elements, its id says " + id.numel());
    }
    ByteBuffer data =
        buffer.slice(at + Long.BYTES, (int) count * id.type().elementSize()).order(ByteOrder.LITTLE_ENDIAN);
    return new TorchStorage(id.type(), count, data);
  }
}
