package dev.finetoon.io.pickle;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.UnsafePickleException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * What a global in a pickle turns into. Three kinds, decided by name alone and never by importing anything:
 *
 * <ul>
 *   <li>the fixed allow-list of globals that NVIDIA's and the notebooks' files use, each mapped to a Java constructor
 *       that builds inert data ({@link PersistentModule}, {@link TensorRef}, maps, sets, numbers);
 *   <li>globals that would run code when Python unpickles the file ({@code os.system}, {@code builtins.eval},
 *       {@code subprocess.*}, …): resolving one throws {@link UnsafePickleException} at once;
 *   <li>everything else: an {@link InertObject} placeholder, harmless in parts finetoon does not read.
 * </ul>
 *
 * <p>Every global seen is recorded, so a caller can report them. Not thread-safe: one instance per load.
 */
final class PickleGlobals {
  private final Map<String, Object> allowed;
  private final boolean refuseDangerous;
  private final Set<String> seen;
  private final List<EmbeddedCode> code;
  private final List<String> problems;

  /** Source code that Python would execute on load, as found: a class name and the source (normally a str). */
  record EmbeddedCode(String owner, Object source) {}

  private PickleGlobals(boolean storagesOnly, boolean refuseDangerous) {
    this(storagesOnly, refuseDangerous, new LinkedHashSet<>(), new ArrayList<>(), new ArrayList<>());
  }

  private PickleGlobals(
      boolean storagesOnly, boolean refuseDangerous, Set<String> seen, List<EmbeddedCode> code,
      List<String> problems) {
    this.refuseDangerous = refuseDangerous;
    this.seen = seen;
    this.code = code;
    this.problems = problems;
    this.allowed = storagesOnly ? storageTypes() : modelGlobals();
  }

  /** The globals of a top-level model pickle (modules, parameters, tensors, numpy scalars, plain containers). */
  static PickleGlobals forModelFiles() {
    return new PickleGlobals(false, true);
  }

  /**
   * Like {@link #forModelFiles()}, but dangerous globals become inert placeholders instead of stopping the load, so
   * that a scan can list every global a file references.
   */
  static PickleGlobals forScanning() {
    return new PickleGlobals(false, false);
  }

  /** The globals of a legacy torch storage stream: only the storage types. */
  static PickleGlobals forStorageStreams() {
    return new PickleGlobals(true, true);
  }

  /**
   * The globals of a storage stream nested in this pickle ({@code torch.storage._load_from_bytes}): only the storage
   * types, recorded and judged with this pickle's own, since Python unpickles the stream as it loads the file.
   */
  PickleGlobals forNestedStream() {
    return new PickleGlobals(true, refuseDangerous, seen, code, problems);
  }

  private static Map<String, Object> storageTypes() {
    Map<String, Object> storages = new LinkedHashMap<>();
    for (String name : List.of("Float", "Half", "BFloat16", "Double", "Long", "Int", "Short", "Char", "Byte", "Bool")) {
      storages.put("torch." + name + "Storage", StorageType.forGlobal("torch", name + "Storage"));
    }
    return storages;
  }

  /**
   * Resolves a global: the allow-listed value, an inert placeholder constructor, or an exception. A scan gets a
   * placeholder for a dangerous global too.
   */
  Object resolve(String module, String name) throws UnsafePickleException {
    String global = module + "." + name;
    seen.add(global);
    if (GlobalRules.judge(module, name) == PickleScan.Verdict.DANGEROUS) {
      if (refuseDangerous) {
        throw new UnsafePickleException(global);
      }
      return new InertObject.Global(global);
    }
    Object known = allowed.get(global);
    return known != null ? known : new InertObject.Global(global);
  }

  /**
   * Calls an allow-listed constructor. A scan records what it cannot build and goes on with a placeholder, so that
   * it sees the whole file; a load stops.
   */
  Object construct(IObjectConstructor constructor, Object[] args) {
    try {
      return constructor.construct(args);
    } catch (RuntimeException e) {
      if (refuseDangerous) {
        throw e;
      }
      problems.add(e instanceof PickleFailure f ? f.getCause().getMessage() : e.getMessage());
      return new InertObject(String.valueOf(constructor));
    }
  }

  /** Records source that Python would execute while loading the file. */
  void embeddedCode(String owner, Object source) {
    code.add(new EmbeddedCode(owner, source));
  }

  /** Every global resolved so far, in order of first appearance, nested storage streams included. */
  Set<String> seen() {
    return seen;
  }

  /** Every embedded source met so far, in order. */
  List<EmbeddedCode> code() {
    return code;
  }

  /** What allow-listed constructors could not build while scanning. */
  List<String> problems() {
    return problems;
  }


  private Map<String, Object> modelGlobals() {
    ImmutableMap.Builder<String, Object> out = ImmutableMap.builder();
    out.put("torch_utils.persistence._reconstruct_persistent_obj", (IObjectConstructor) this::persistentObj);
    out.put("collections.OrderedDict", (IObjectConstructor) PickleGlobals::orderedDict);
    out.put("dnnlib.util.EasyDict", (IObjectConstructor) PickleGlobals::orderedDict);
    for (String builtins : List.of("builtins", "__builtin__")) {
      out.put(builtins + ".set", (IObjectConstructor) PickleGlobals::set);
      out.put(builtins + ".frozenset", (IObjectConstructor) PickleGlobals::set);
    }
    out.put("torch._utils._rebuild_tensor_v2", (IObjectConstructor) PickleGlobals::tensor);
    out.put("torch._utils._rebuild_tensor", (IObjectConstructor) PickleGlobals::tensor);
    out.put("torch._utils._rebuild_parameter", (IObjectConstructor) PickleGlobals::parameter);
    out.put("torch._utils._rebuild_parameter_with_state", (IObjectConstructor) PickleGlobals::parameter);
    out.put("torch.storage._load_from_bytes", (IObjectConstructor) this::storage);
    for (String multiarray : List.of("numpy.core.multiarray", "numpy._core.multiarray")) {
      out.put(multiarray + ".scalar", (IObjectConstructor) NumpyScalars::scalar);
    }
    out.put("numpy.dtype", (IObjectConstructor) NumpyScalars::dtype);
    // Protocol 2 written by Python 3 pickles bytes as _codecs.encode(str, 'latin1'), and b'' as bytes().
    out.put("_codecs.encode", (IObjectConstructor) PickleGlobals::latin1Bytes);
    for (String builtins : List.of("builtins", "__builtin__")) {
      out.put(builtins + ".bytes", (IObjectConstructor) args -> new byte[0]);
    }
    // torch.save files (rosinality checkpoints): storage types in persistent ids, training options as placeholders.
    out.putAll(storageTypes());
    out.put("argparse.Namespace", new InertObject.Global("argparse.Namespace"));
    // NVIDIA's TensorFlow pickles: networks as their state dicts, numpy arrays by value.
    out.put("dnnlib.tflib.network.Network", (IObjectConstructor) args -> new TfNetwork());
    for (String multiarray : List.of("numpy.core.multiarray", "numpy._core.multiarray")) {
      out.put(multiarray + "._reconstruct", (IObjectConstructor) NumpyArray::reconstruct);
    }
    out.put("numpy.ndarray", NumpyArray.NDARRAY);
    return out.buildOrThrow();
  }

  private Object persistentObj(Object[] args) {
    Map<?, ?> meta = arg(args, 0, Map.class, "_reconstruct_persistent_obj");
    if (!"class".equals(meta.get("type"))) {
      throw new PickleException("persistent object of type " + meta.get("type") + " is not supported");
    }
    Object className = meta.get("class_name");
    Object state = meta.get("state");
    if (!(className instanceof String) || !(state instanceof Map)) {
      throw new PickleException("persistent object without class_name or state");
    }
    Object source = meta.get("module_src");
    embeddedCode((String) className, source);
    return new PersistentModule((String) className, (Map<?, ?>) state, source instanceof String text ? text : "");
  }

  private static Object orderedDict(Object[] args) {
    Map<Object, Object> map = new PyContainers.PyDict();
    if (args.length > 0 && args[0] instanceof List<?> items) {
      for (Object item : items) {
        if (!(item instanceof Object[] pair) || pair.length != 2) {
          throw new PickleException("OrderedDict item is not a pair");
        }
        map.put(pair[0], pair[1]);
      }
    }
    return map;
  }

  private static Object set(Object[] args) {
    Set<Object> set = new PyContainers.PySet(List.of());
    if (args.length > 0 && args[0] instanceof List<?> items) {
      set.addAll(items);
    }
    return set;
  }

  private static Object latin1Bytes(Object[] args) {
    String text = arg(args, 0, String.class, "_codecs.encode");
    if (args.length != 2 || !"latin1".equals(args[1]) && !"latin-1".equals(args[1])) {
      throw new PickleException("_codecs.encode is supported with the encoding 'latin1' only");
    }
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = text.charAt(i);
      if (c > 0xff) {
        throw new PickleException("_codecs.encode: character " + (int) c + " is not latin1");
      }
      bytes[i] = (byte) c;
    }
    return bytes;
  }

  private static Object tensor(Object[] args) {
    if (args.length < 4) {
      throw new PickleException("_rebuild_tensor_v2 needs storage, offset, size, stride; got " + args.length + " args");
    }
    TorchStorage storage = arg(args, 0, TorchStorage.class, "_rebuild_tensor_v2");
    long offset = longValue(arg(args, 1, Number.class, "_rebuild_tensor_v2 offset"));
    Object[] size = arg(args, 2, Object[].class, "_rebuild_tensor_v2 size");
    Object[] stride = arg(args, 3, Object[].class, "_rebuild_tensor_v2 stride");
    if (size.length != stride.length) {
      throw new PickleException(
          "tensor size and stride differ in rank: " + size.length + " and " + stride.length);
    }
    int[] sizes = new int[size.length];
    long[] strides = new long[size.length];
    for (int d = 0; d < size.length; d++) {
      if (!(size[d] instanceof Number) || !(stride[d] instanceof Number)) {
        throw new PickleException("tensor size or stride " + d + " is " + PickleText.describe(size[d]) + " / "
            + PickleText.describe(stride[d]) + ", not an integer");
      }
      long s = longValue(size[d]);
      if (s < 0 || s > Integer.MAX_VALUE) {
        throw new PickleException("tensor dimension " + PickleText.describe(size[d]) + " out of range");
      }
      sizes[d] = (int) s;
      strides[d] = longValue(stride[d]);
    }
    return new TensorRef(storage, offset, sizes, strides);
  }

  /** The value of an integer; one beyond {@code long} saturates instead of wrapping to its low bits. */
  private static long longValue(Object number) {
    if (number instanceof BigInteger big && big.bitLength() > 63) {
      return big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return ((Number) number).longValue();
  }

  private static Object parameter(Object[] args) {
    return arg(args, 0, TensorRef.class, "_rebuild_parameter");
  }

  private Object storage(Object[] args) {
    byte[] bytes = arg(args, 0, byte[].class, "_load_from_bytes");
    try {
      return LegacyStorageReader.read(bytes, forNestedStream());
    } catch (ModelFormatException e) {
      throw new PickleFailure(e);
    }
  }

  static <T> T arg(Object[] args, int index, Class<T> type, String what) {
    if (args.length <= index || !type.isInstance(args[index])) {
      String found = args.length <= index ? "nothing" : PickleText.describe(args[index]);
      throw new PickleException(
          what + " expects a " + type.getSimpleName() + " as argument " + index + ", got " + found);
    }
    return type.cast(args[index]);
  }
}
