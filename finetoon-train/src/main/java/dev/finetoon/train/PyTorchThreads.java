package dev.finetoon.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How libtorch's CPU threads wait for work, settled once before DJL loads the PyTorch engine.
 *
 * <p>Between operators PyTorch's OpenMP threads spin, waiting for the next one: GNU OpenMP (libtorch on Linux) checks
 * 300 000 times before it sleeps. On a machine of one's own that saves the cost of waking; on a busy one (a host
 * application, a Spark executor, a CI machine) the spinning threads take the time slices the working ones need, and
 * steps become two or more times slower. Never spinning ({@code OMP_WAIT_POLICY=PASSIVE}) fixes the busy machine but
 * pays a wake-up per operator, 13–14% of a step on an idle one. finetoon's default, {@code brief}, spins 10 000
 * checks and then sleeps ({@code GOMP_SPINCOUNT=10000}; {@code KMP_BLOCKTIME=1}, one millisecond, for the LLVM and
 * Intel OpenMP runtimes of other platforms): as fast as OpenMP's default on an idle machine and close to passive
 * waiting on a busy one (docs/performance.md). {@code -Dfinetoon.threads.waiting=passive|active} (or
 * {@code FINETOON_THREAD_WAITING}) chooses never spinning or OpenMP's own default; any of {@code OMP_WAIT_POLICY},
 * {@code GOMP_SPINCOUNT} or {@code KMP_BLOCKTIME} already in the environment wins over all three.
 *
 * <p>The setting counts only before the PyTorch engine first loads in the process: finetoon applies it before each of
 * its own DJL entry points, and an application that uses DJL's PyTorch engine itself calls {@link #applyDefaults()}
 * before its first DJL call. On Windows nothing is changed (set the variables before starting the JVM).
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
  /** The variables of the OpenMP runtimes that decide how their threads wait; a user's setting of any one wins. */
  static final List<String> OPENMP_VARIABLES = List.of("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME");

  /** The ways of waiting, each with the variables it sets. */
  enum Waiting {
    BRIEF(Map.of("GOMP_SPINCOUNT", "10000", "KMP_BLOCKTIME", "1")),
    PASSIVE(Map.of("OMP_WAIT_POLICY", "PASSIVE")),
    ACTIVE(Map.of());

    final Map<String, String> variables;

    Waiting(Map<String, String> variables) {
      this.variables = variables;
    }
  }

  private static boolean applied;

  private PyTorchThreads() {}

  /** Sets libtorch's thread waiting as described above; only the first call in a process does anything. */
  public static synchronized void applyDefaults() {
    if (!applied) {
      apply(requestedWaiting());
      applied = true;
    }
  }

  /** The waiting the property or environment asks for, {@link Waiting#BRIEF} where neither does. */
  static Waiting requestedWaiting() {
    String requested = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv(ENVIRONMENT));
    if (requested == null || requested.isBlank()) {
      return Waiting.BRIEF;
    }
    try {
      return Waiting.valueOf(requested.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PROPERTY + " must be brief, passive or active, got " + requested, e);
    }
  }

  /** The C library's environment, which libgomp reads when libtorch loads (Java's own copy is read-only). */
  interface CEnvironment extends Library {
    String getenv(String name);

    int setenv(String name, String value, int overwrite);
  }

  static CEnvironment cEnvironment() {
    return Native.load(Platform.C_LIBRARY_NAME, CEnvironment.class);
  }

  private static void apply(Waiting waiting) {
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
    for (String variable : OPENMP_VARIABLES) {
      String existing = environment.getenv(variable);
      if (existing != null) {
        log.debug("{}={} is set in the environment; finetoon leaves the thread waiting to it", variable, existing);
        return;
      }
    }
    waiting.variables.forEach((variable, value) -> environment.setenv(variable, value, 0));
  }
}
