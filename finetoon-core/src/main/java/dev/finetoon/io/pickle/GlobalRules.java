package dev.finetoon.io.pickle;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.List;

/**
 * How Python would treat a global a pickle names, decided by name alone: {@link PickleScan.Verdict#DANGEROUS} (it
 * runs code, reads or writes files or reaches the system), {@link PickleScan.Verdict#KNOWN} (inert data that
 * finetoon's readers build themselves) or {@link PickleScan.Verdict#UNKNOWN} (anything else: it might do either).
 *
 * <p>The name is judged as Python resolves it: {@code GLOBAL 'posixpath\nos.system'} walks the attributes
 * {@code posixpath.os.system} (protocol 4 and later), so every dotted component counts, and a module re-exported as
 * an attribute ({@code torch.os}, {@code dnnlib.util.sys}) is that module. Python 2 module names are mapped as
 * Python's {@code _compat_pickle} maps them.
 */
final class GlobalRules {
  /** Modules whose every global can run code, read or write files, or reach the system or the network. */
  private static final ImmutableSet<String> DANGEROUS_MODULES =
      ImmutableSet.of(
          "os", "posix", "nt", "posixpath", "ntpath", "subprocess", "sys", "runpy", "importlib", "imp", "pickle",
          "_pickle", "marshal", "shutil", "socket", "pty", "code", "codeop", "ctypes", "_ctypes", "multiprocessing",
          "webbrowser", "pdb", "bdb", "timeit", "types", "asyncio", "threading", "_thread", "signal", "platform",
          "pydoc", "tempfile", "glob", "io", "_io", "pathlib", "urllib", "http", "ftplib", "smtplib", "telnetlib",
          "ssl", "select", "inspect", "gc", "ast", "dill", "cloudpickle", "joblib", "setuptools", "pip",
          "distutils", "zipimport", "site", "sysconfig", "uuid", "profile", "cProfile", "pstats", "trace",
          "pkgutil", "zipfile", "tarfile", "shelve", "dbm", "sqlite3", "logging", "codecs", "fileinput",
          "linecache", "mmap", "xmlrpc", "venv", "ensurepip", "doctest", "unittest", "idlelib", "tkinter",
          "turtle", "lib2to3", "operator", "_operator", "functools", "_functools", "copyreg", "posix_spawn",
          "fcntl", "resource", "pwd", "grp", "crypt", "atexit", "faulthandler", "_posixsubprocess",
          "_winapi", "winreg", "msvcrt", "nturl2path", "email", "mailbox", "imaplib", "poplib", "nntplib",
          "socketserver", "wsgiref", "cgi", "cgitb", "sched", "concurrent", "contextvars", "weakref", "_weakref",
          "torch.hub", "torch.serialization", "torch.fx", "torch.jit", "torch.package", "torch.ops", "torch.classes",
          "torch._C", "torch._ops", "torch._classes", "torch.library", "torch.utils.cpp_extension",
          "torch.utils.data", "torch.distributed", "torch.multiprocessing", "torch._dynamo", "torch._inductor",
          "torch.compiler", "torch.export", "torch.load", "torch.save", "torch.compile",
          "numpy.lib.npyio", "numpy.lib.format", "numpy.ctypeslib", "numpy.f2py", "numpy.distutils",
          "numpy.testing", "numpy.load", "numpy.save", "numpy.savez", "numpy.savez_compressed", "numpy.fromfile",
          "numpy.memmap", "numpy.loadtxt", "numpy.savetxt", "numpy.genfromtxt", "numpy.fromregex",
          "tensorflow.io", "tensorflow.gfile", "tensorflow.compat", "tensorflow.keras", "tensorflow.py_func",
          "tensorflow.load_op_library", "tensorflow.saved_model", "torch_utils.custom_ops", "dnnlib.submission",
          "legacy");

  /** Modules that other modules import and so re-export as attributes ({@code torch.os}, {@code np.sys}). */
  private static final ImmutableSet<String> REEXPORTED_MODULES =
      ImmutableSet.of(
          "os", "posix", "nt", "sys", "subprocess", "builtins", "importlib", "shutil", "socket", "ctypes", "pickle",
          "_pickle", "marshal", "runpy", "pty", "pathlib", "_io", "tempfile", "glob", "urllib", "http",
          "multiprocessing", "threading", "platform", "inspect", "gc", "codecs", "pkgutil", "zipfile", "tarfile",
          "uuid", "webbrowser", "ssl", "pdb", "functools", "operator", "posixpath", "ntpath", "_thread");

  /** Builtins that evaluate, import, open files or reach arbitrary attributes. */
  private static final ImmutableSet<String> DANGEROUS_BUILTINS =
      ImmutableSet.of(
          "eval", "exec", "execfile", "compile", "__import__", "open", "file", "input", "raw_input", "getattr",
          "setattr", "delattr", "globals", "locals", "vars", "breakpoint", "help", "exit", "quit", "reload",
          "apply", "memoryview", "object", "type", "super", "classmethod", "staticmethod", "property", "print",
          "dir", "id", "hasattr", "isinstance", "issubclass", "callable", "aiter", "anext", "iter", "next", "map",
          "filter", "sorted", "min", "max", "any", "all", "sum", "zip", "enumerate", "reversed");

  /** Single globals inside otherwise harmless modules that call, load or look up arbitrary things. */
  private static final ImmutableSet<String> DANGEROUS_GLOBALS =
      ImmutableSet.of(
          "dnnlib.util.call_func_by_name", "dnnlib.util.construct_class_by_name", "dnnlib.util.get_obj_by_name",
          "dnnlib.util.get_module_from_obj_name", "dnnlib.util.get_obj_from_module", "dnnlib.util.open_url",
          "dnnlib.util.copy_files_and_create_dirs", "dnnlib.util.make_cache_dir_path",
          "dnnlib.tflib.network.import_handler", "dnnlib.tflib.network._import_module_src",
          "dnnlib.tflib.tfutil.run", "torch_utils.persistence._src_to_module", "torch_utils.persistence.import_hook",
          "torch._utils._rebuild_from_type_v2",
          "torch._tensor._rebuild_from_type_v2", "torch._load_from_bytes", "torch.storage._load_from_bytes_v2",
          "numpy.core.multiarray._unpickle_ndarray", "scipy.io.loadmat", "scipy.io.savemat", "pandas.read_pickle");

  /**
   * Globals that build inert data and nothing else: what NVIDIA's ADA, stylegan3 and TensorFlow pickles,
   * rosinality's checkpoints and pSp/e4e encoders use, as finetoon's readers build them. (A TensorFlow
   * {@code Network} runs its {@code build_module_src} in Python; {@link PickleScan} judges that source.)
   */
  private static final ImmutableSet<String> INERT_DATA =
      ImmutableSet.of(
          "collections.OrderedDict", "dnnlib.util.EasyDict", "dnnlib.EasyDict", "argparse.Namespace",
          "builtins.set", "builtins.frozenset", "builtins.dict", "builtins.list", "builtins.tuple",
          "builtins.bytes", "builtins.bytearray", "builtins.slice", "builtins.complex", "_codecs.encode",
          "torch_utils.persistence._reconstruct_persistent_obj", "torch._utils._rebuild_tensor",
          "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
          "torch._utils._rebuild_parameter_with_state", "torch.storage._load_from_bytes", "torch.device",
          "torch.Size", "torch.float32", "torch.float16", "torch.bfloat16", "torch.float64", "torch.int64",
          "numpy.dtype", "numpy.ndarray", "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
          "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
          "dnnlib.tflib.network.Network", "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_doublelist",
          "torch.jit._pickle.build_boollist", "torch.jit._pickle.build_tensorlist");

  /** Python 2 module names that Python 3 maps on load (Python's {@code _compat_pickle.IMPORT_MAPPING}). */
  private static final ImmutableMap<String, String> PYTHON2_MODULES =
      ImmutableMap.<String, String>builder()
          .put("__builtin__", "builtins").put("copy_reg", "copyreg").put("cPickle", "pickle")
          .put("commands", "subprocess").put("exceptions", "builtins").put("urllib2", "urllib")
          .put("httplib", "http").put("thread", "_thread").put("dummy_thread", "_thread")
          .put("SocketServer", "socketserver").put("cStringIO", "io").put("StringIO", "io")
          .put("__main__", "__main__").put("Tkinter", "tkinter").put("xmlrpclib", "xmlrpc")
          .put("anydbm", "dbm").put("whichdb", "dbm").put("cookielib", "http").put("Cookie", "http")
          .put("BaseHTTPServer", "http").put("SimpleHTTPServer", "http").put("CGIHTTPServer", "http")
          .put("urlparse", "urllib").put("robotparser", "urllib").put("dbhash", "dbm")
          .buildOrThrow();

  private static final Splitter DOTS = Splitter.on('.');

  private GlobalRules() {}

  /** The verdict on {@code module.name} as a pickle names it. */
  static PickleScan.Verdict judge(String module, String name) {
    String resolved = resolvedName(module, name);
    if (INERT_DATA.contains(resolved) || StorageType.forGlobal(module, name) != null) {
      return PickleScan.Verdict.KNOWN; // exact names only: inert even inside a module that is otherwise dangerous
    }
    return isDangerous(DOTS.splitToList(resolved)) ? PickleScan.Verdict.DANGEROUS : PickleScan.Verdict.UNKNOWN;
  }

  /** {@code module.name} with a Python 2 module name replaced by the Python 3 module it loads. */
  static String resolvedName(String module, String name) {
    int dot = module.indexOf('.');
    String top = dot < 0 ? module : module.substring(0, dot);
    String mapped = PYTHON2_MODULES.getOrDefault(top, top);
    return mapped + (dot < 0 ? "" : module.substring(dot)) + "." + name;
  }

  private static boolean isDangerous(List<String> parts) {
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (i > 0) {
        prefix.append('.');
      }
      prefix.append(part);
      // A dunder attribute reaches the interpreter's internals (__globals__, __builtins__, __subclasses__, ...).
      boolean dunder = i > 0 && part.length() > 4 && part.startsWith("__") && part.endsWith("__");
      if (dunder || DANGEROUS_MODULES.contains(prefix.toString()) || DANGEROUS_GLOBALS.contains(prefix.toString())) {
        return true;
      }
      // A module's attribute can be another module it imported: torch.os is os.
      if (i > 0 && REEXPORTED_MODULES.contains(part)) {
        return true;
      }
      if ((i == 1 && parts.get(0).equals("builtins") || i > 1 && parts.get(i - 1).equals("builtins"))
          && DANGEROUS_BUILTINS.contains(part)) {
        return true;
      }
    }
    return false;
  }
}
