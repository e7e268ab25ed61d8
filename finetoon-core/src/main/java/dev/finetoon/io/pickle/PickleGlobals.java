package dev.finetoon.io.pickle;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.finetoon.ModelFormatException;
import dev.finetoon.UnsafePickleException;
import java.util.Arrays;
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
  /** Whole modules whose every global can run code or reach the system when called. */
  private static final ImmutableSet<String> DANGEROUS_MODULES =
      ImmutableSet.of(
          "os", "posix", "nt", "subprocess", "sys", "runpy", "importlib", "imp", "pickle", "_pickle", "cPickle",
          "marshal", "shutil", "socket", "pty", "commands", "code", "codeop", "ctypes", "multiprocessing",
          "webbrowser", "pdb", "bdb", "timeit", "types", "asyncio", "threading", "_thread", "signal", "platform",
          "pydoc", "tempfile", "glob", "io", "_io", "pathlib", "urllib", "http", "ftplib", "smtplib", "telnetlib",
          "ssl", "select", "inspect", "gc", "ast", "dill", "cloudpickle", "joblib", "torch.hub", "numpy.testing",
          "setuptools", "pip", "distutils", "zipimport", "site", "sysconfig");

  /** Builtins that evaluate, import, open files or reach arbitrary attributes. */
  private static final ImmutableSet<String> DANGEROUS_BUILTINS =
      ImmutableSet.of(
          "eval", "exec", "execfile", "compile", "__import__", "open", "file", "input", "raw_input", "getattr",
          "setattr", "delattr", "globals", "locals", "vars", "breakpoint", "help", "exit", "quit", "reload",
          "apply", "memoryview", "object", "type", "super", "classmethod", "staticmethod", "property");

  /** Single globals outside those modules that call or look up arbitrary things. */
  private static final ImmutableSet<String> DANGEROUS_GLOBALS =
      ImmutableSet.of(
          "operator.attrgetter", "operator.methodcaller", "operator.itemgetter", "functools.partial",
          "functools.reduce", "copyreg._reconstructor", "copy_reg._reconstructor", "numpy.load", "numpy.fromfile",
          "torch.load", "torch.jit.load", "torch._C._load_for_lite_interpreter");

  private final Map<String, Object> allowed;
  private final boolean refuseDangerous;
  private final Set<String> seen = new LinkedHashSet<>();

  private PickleGlobals(Map<String, Object> allowed, boolean refuseDangerous) {
    this.allowed = allowed;
    this.refuseDangerous = refuseDangerous;
  }

  /** The globals of a top-level model pickle (modules, parameters, tensors, numpy scalars, plain containers). */
  static PickleGlobals forModelFiles() {
    return new PickleGlobals(modelGlobals(), true);
  }

  /**
   * Like {@link #forModelFiles()}, but dangerous globals become inert placeholders instead of stopping the load, so
   * that a scan can list every global a file references.
   */
  static PickleGlobals forScanning() {
    return new PickleGlobals(modelGlobals(), false);
  }

  /** The globals of a legacy torch storage stream: only the storage types. */
  static PickleGlobals forStorageStreams() {
    return new PickleGlobals(storageTypes(), true);
  }

  private static Map<String, Object> storageTypes() {
    Map<String, Object> storages = new LinkedHashMap<>();
    for (String name : List.of("Float", "Half", "BFloat16", "Double", "Long", "Int", "Short", "Char", "Byte", "Bool")) {
      storages.put("torch." + name + "Storage", StorageType.forGlobal("torch", name + "Storage"));
    }
    return storages;
  }

  /** True for a global that would execute code or reach the system if Python unpickled it. */
  static boolean isDangerous(String module, String name) {
    String top = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
    if (DANGEROUS_MODULES.contains(module) || DANGEROUS_MODULES.contains(top)) {
      return true;
    }
    if ((module.equals("builtins") || module.equals("__builtin__")) && DANGEROUS_BUILTINS.contains(name)) {
      return true;
    }
    return DANGEROUS_GLOBALS.contains(module + "." + name);
  }

  /** True for a global on the allow-list of model files. */
  static boolean isKnown(String module, String name) {
    return MODEL_GLOBAL_NAMES.contains(module + "." + name)
        || StorageType.forGlobal(module, name) != null;
  }

  /** Resolves a global: the allow-listed value, an inert placeholder constructor, or an exception. */
  Object resolve(String module, String name) throws UnsafePickleException {
    String global = module + "." + name;
    seen.add(global);
    if (isDangerous(module, name)) {
      if (refuseDangerous) {
        throw new UnsafePickleException(global);
      }
      return new InertObject.Global(global);
    }
    Object known = allowed.get(global);
    if (known != null) {
      return known;
    }
    return new InertObject.Global(global);
  }

  /** Every global resolved so far, in order of first appearance. */
  Set<String> seen() {
    return seen;
  }

  private static final ImmutableSet<String> MODEL_GLOBAL_NAMES = ImmutableSet.copyOf(modelGlobals().keySet());

  private static Map<String, Object> modelGlobals() {
    ImmutableMap.Builder<String, Object> out = ImmutableMap.builder();
    out.put("torch_utils.persistence._reconstruct_persistent_obj", (IObjectConstructor) PickleGlobals::persistentObj);
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
    out.put("torch.storage._load_from_bytes", (IObjectConstructor) PickleGlobals::storage);
    for (String multiarray : List.of("numpy.core.multiarray", "numpy._core.multiarray")) {
      out.put(multiarray + ".scalar", (IObjectConstructor) NumpyScalars::scalar);
    }
    out.put("numpy.dtype", (IObjectConstructor) NumpyScalars::dtype);
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

  private static Object persistentObj(Object[] args) {
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
    return new PersistentModule((String) className, (Map<?, ?>) state, source instanceof String s ? s : "");
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

  private static Object tensor(Object[] args) {
    if (args.length < 4) {
      throw new PickleException("_rebuild_tensor_v2 needs storage, offset, size, stride; got " + args.length + " args");
    }
    TorchStorage storage = arg(args, 0, TorchStorage.class, "_rebuild_tensor_v2");
    long offset = arg(args, 1, Number.class, "_rebuild_tensor_v2 offset").longValue();
    Object[] size = arg(args, 2, Object[].class, "_rebuild_tensor_v2 size");
    Object[] stride = arg(args, 3, Object[].class, "_rebuild_tensor_v2 stride");
    if (size.length != stride.length) {
      throw new PickleException(
          "tensor size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in rank");
    }
    int[] sizes = new int[size.length];
    long[] strides = new long[size.length];
    for (int d = 0; d < size.length; d++) {
      long s = ((Number) size[d]).longValue();
      if (s < 0 || s > Integer.MAX_VALUE) {
        throw new PickleException("tensor dimension " + s + " out of range");
      }
      sizes[d] = (int) s;
      strides[d] = ((Number) stride[d]).longValue();
    }
    return new TensorRef(storage, offset, sizes, strides);
  }

  private static Object parameter(Object[] args) {
    return arg(args, 0, TensorRef.class, "_rebuild_parameter");
  }

  private static Object storage(Object[] args) {
    byte[] bytes = arg(args, 0, byte[].class, "_load_from_bytes");
    try {
      return LegacyStorageReader.read(bytes);
    } catch (ModelFormatException e) {
      throw new PickleFailure(e);
    }
  }

  static <T> T arg(Object[] args, int index, Class<T> type, String what) {
    if (args.length <= index || !type.isInstance(args[index])) {
      String found = args.length <= index ? "nothing" : String.valueOf(args[index]);
      throw new PickleException(
          what + " expects a " + type.getSimpleName() + " as argument " + index + ", got " + found);
    }
    return type.cast(args[index]);
  }
}
