package dev.finetoon.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How libtorch's CPU threads wait for work, settled once before DJL loads the PyTorch engine.
 *
 * <p>PyTorch's OpenMP threads spin while they wait for the next operator. On a machine of one's own that saves a
 * little latency; on a busy one (a host application, a Spark executor, a CI machine) the spinning threads compete with
 * the threads doing work and steps become several times slower. finetoon therefore sets {@code OMP_WAIT_POLICY=PASSIVE}
 * in the process's C environment before libtorch reads it, unless:
 * <ul>
 *   <li>{@code OMP_WAIT_POLICY} is already set in the environment (that choice wins), or
 *   <li>{@code -Dfinetoon.threads.waiting=active} (or {@code FINETOON_THREAD_WAITING=active}) asks for OpenMP's own
 *       default, the fastest setting on an idle machine.
 * </ul>
 * The setting counts only before the PyTorch engine first loads in the process: finetoon applies it before each of
 * its own DJL entry points, and an application that uses DJL's PyTorch engine itself calls {@link #applyDefaults()}
 * before its first DJL call. On Windows nothing is changed (set the variable before starting the JVM).
 *
 * <pre>{@code
 * PyTorchThreads.applyDefaults();                  // before the application's own first DJL PyTorch call
 * NDManager manager = NDManager.newBaseManager("PyTorch");
 * }</pre>
 */
public final class PyTorchThreads {
  private static final Logger log = LoggerFactory.getLogger(PyTorchThreads.class);
  static final String PROPERTY = "finetoon.threads.waiting";
  static final String ENVIRONMENT = "FINETOON_THREAD_WAITING";
  static final String OPENMP_VARIABLE = "OMP_WAIT_POLICY";

  private static boolean applied;

  private PyTorchThreads() {}

  /** Sets libtorch's thread waiting as described above; only the first call in a process does anything. */
  public static synchronized void applyDefaults() {
    if (!applied) {
      apply(requestedWaiting());
      applied = true;
    }
  }

  /** The waiting the property or environment asks for: {@code "passive"} (the default) or {@code "active"}. */
  static String requestedWaiting() {
    String requested = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv(ENVIRONMENT));
    String waiting = requested == null || requested.isBlank() ? "passive" : requested.trim().toLowerCase(Locale.ROOT);
    if (!waiting.equals("passive") && !waiting.equals("active")) {
      throw new IllegalArgumentException(PROPERTY + " must be passive or active, got " + requested);
    }
    return waiting;
  }

  /** The C library's environment, which libgomp reads when libtorch loads (Java's own copy is read-only). */
  interface CEnvironment extends Library {
    String getenv(String name);

    int setenv(String name, String value, int overwrite);
  }

  static CEnvironment cEnvironment() {
    return Native.load(Platform.C_LIBRARY_NAME, CEnvironment.class);
  }

  private static void apply(String waiting) {
    if (Platform.isWindows()) {
      log.debug("PyTorch's thread waiting is left as it is on Windows ({} asked for)", waiting);
      return;
    }
    CEnvironment environment;
    try {
      environment = cEnvironment();
    } catch (LinkageError e) { // no C library JNA can load: PyTorch keeps OpenMP's own waiting
      log.warn("PyTorch's threads keep OpenMP's waiting: the C environment is out of reach ({})", e.toString());
      return;
    }
    String existing = environment.getenv(OPENMP_VARIABLE);
    if (existing != null) {
      log.debug("{}={} is set in the environment; finetoon leaves it", OPENMP_VARIABLE, existing);
    } else if (waiting.equals("passive")) {
      environment.setenv(OPENMP_VARIABLE, "PASSIVE", 0);
    }
  }
}
