package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import net.razorvine.pickle.PickleException;

/**
 * Reads a legacy (non-zip) {@code torch.save} stream: the whole file of a {@code _use_new_zipfile_serialization=False}
 * save (rosinality's {@code convert_weight.py} checkpoints), and the bytes of {@code torch.storage._load_from_bytes}
 * inside NVIDIA's pickles. Written by hand because no Java library reads it. Layout: four pickles (magic number,
 * protocol version 1001, system info, the saved object, whose storages are persistent ids
 * {@code ('storage', torch.FloatStorage, key, location, numel, view)}), a pickled list of the storage keys, then per
 * key in that order an 8-byte little-endian element count and the raw little-endian data.
 *
 * <p>The data follows the pickle that refers to it, so the object pickle is read twice: once to collect the storage
 * ids, and, once the data of every key is located, again with the storages bound. It holds no data, so this is cheap.
 */
final class LegacyStorageReader {
  private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final int PROTOCOL_VERSION = 1001;

  private LegacyStorageReader() {}

  private record StorageId(StorageType type, String key, long numel) {}

  /** The storage of {@code _load_from_bytes}: a stream whose object is one storage, with storage types only. */
  static TorchStorage read(byte[] bytes) throws ModelFormatException {
    return read(bytes, PickleGlobals.forStorageStreams());
  }

  /** Reads a stream nested in a pickle, resolving its globals with {@code globals} (which records them). */
  static TorchStorage read(byte[] bytes, PickleGlobals globals) throws ModelFormatException {
    Object root = readStream(bytes, () -> globals);
    if (!(root instanceof TorchStorage storage)) {
      throw new ModelFormatException("storage stream holds " + PickleText.describe(root) + ", not a storage");
    }
    return storage;
  }

  /**
   * The object a whole legacy stream holds, its tensors bound to their storages (views of {@code bytes}, no copy).
   * {@code globals} makes the allow-list for each pickle of the stream (the object pickle is read twice).
   */
  static Object readStream(byte[] bytes, Supplier<PickleGlobals> globals) throws ModelFormatException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    try {
      Object magic = loadOne(in, bytes.length, globals.get(), null);
      if (!(magic instanceof Number n)
          || !MAGIC.equals(n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue()))) {
        throw new ModelFormatException(
            "storage stream has no torch magic number (got " + PickleText.describe(magic) + ")");
      }
      Object version = loadOne(in, bytes.length, globals.get(), null);
      if (!(version instanceof Number v) || v.intValue() != PROTOCOL_VERSION) {
        throw new ModelFormatException(
            "storage stream has protocol version " + PickleText.describe(version) + ", expected 1001");
      }
      Object sysInfo = loadOne(in, bytes.length, globals.get(), null);
      if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
        throw new ModelFormatException("big-endian torch storages are not supported");
      }
      int objectStart = bytes.length - in.available();
      Map<String, StorageId> ids = new LinkedHashMap<>();
      loadOne(in, bytes.length, globals.get(), pid -> placeholder(ids, pid));
      Object keys = loadOne(in, bytes.length, globals.get(), null);
      Map<String, TorchStorage> storages = data(bytes, bytes.length - in.available(), keys, ids);
      ByteArrayInputStream again = new ByteArrayInputStream(bytes, objectStart, bytes.length - objectStart);
      return new SafeUnpickler(globals.get(), pid -> storages.get(storageId(pid).key())).load(again, bytes.length);
    } catch (PickleFailure e) {
      throw e.getCause();
    } catch (ModelFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Pyrolite reports some corrupt opcodes with unchecked exceptions of its own choosing (a pop from an empty
      // stack, an unparsable INT, GET or PUT argument).
      throw new ModelFormatException("corrupt torch storage stream: " + e.getMessage(), e);
    }
  }

  private static Object loadOne(
      ByteArrayInputStream in, int length, PickleGlobals globals, Function<Object, Object> persistentLoad)
      throws IOException {
    return new SafeUnpickler(globals, persistentLoad).load(in, length);
  }

  /** First pass: records a storage id and stands in for its storage with one that holds no data yet. */
  private static Object placeholder(Map<String, StorageId> ids, Object pid) {
    StorageId id = storageId(pid);
    StorageId earlier = ids.putIfAbsent(id.key(), id);
    if (earlier != null && !earlier.equals(id)) {
      throw new PickleException("storage " + id.key() + " is declared twice with different types or sizes");
    }
    return new TorchStorage(id.type(), id.numel(), ByteBuffer.allocate(0));
  }

  private static StorageId storageId(Object pid) {
    if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
      throw new PickleException("unsupported persistent id in storage stream");
    }
    if (!(t[1] instanceof StorageType type)) {
      throw new PickleException("unsupported storage type " + PickleText.describe(t[1]));
    }
    if (!(t[2] instanceof String key) || !(t[4] instanceof Number numel)) {
      throw new PickleException("malformed storage id");
    }
    if (t.length > 5 && t[5] != null) {
      throw new PickleException(
          "storage " + PickleText.describe(key) + " is a view of another storage (torch < 0.4), not supported");
    }
    return new StorageId(type, key, numel.longValue());
  }

  /** Locates every key's data after the key list; keys must be exactly the storages the object used. */
  private static Map<String, TorchStorage> data(byte[] bytes, int at, Object keys, Map<String, StorageId> ids)
      throws ModelFormatException {
    if (!(keys instanceof List<?> list) || list.size() != ids.size() || !new HashSet<>(list).equals(ids.keySet())) {
      throw new ModelFormatException("storage stream keys " + PickleText.describe(keys) + " do not match its storages "
          + PickleText.shorten(String.valueOf(ids.keySet())));
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, TorchStorage> out = new LinkedHashMap<>();
    Set<Object> seen = new HashSet<>();
    for (Object key : list) {
      if (!seen.add(key)) {
        throw new ModelFormatException("storage stream lists key " + PickleText.describe(key) + " twice");
      }
      StorageId id = ids.get(key);
      if (bytes.length - at < Long.BYTES) {
        throw new ModelFormatException("storage stream truncated before the element count of " + id.key());
      }
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
      int length = (int) count * id.type().elementSize();
      ByteBuffer data = buffer.slice(at + Long.BYTES, length).order(ByteOrder.LITTLE_ENDIAN);
      out.put(id.key(), new TorchStorage(id.type(), count, data));
      at += Long.BYTES + length;
    }
    return out;
  }
}
