package dev.finetoon.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a reader over many inputs and holds it to the rules for untrusted files: each input must be read or refused
 * with one of the allowed exception types, within a CPU-time budget (default one second) and without allocating more
 * than a bound set by the input's size (default 64 MiB plus 64 bytes per input byte). Anything else fails the test:
 * another exception, an {@link OutOfMemoryError} or {@link StackOverflowError}, a slow parse, a large allocation, or
 * an input that does not finish within ten times the budget (the run stops there, as the stuck thread keeps a core).
 *
 * <p>Every failure names the seed and iteration that rebuild its input ({@link Mutator#mutant}) and writes the input
 * to {@code target/fuzz-failures/}, ready to become a regression test. Inputs run one at a time on a worker thread
 * whose CPU time and allocations are measured; the summary of each run (outcomes by exception type, the slowest
 * parse, the largest allocation) goes to standard output.
 *
 * <p>System properties: {@code finetoon.fuzz.iterations} (inputs per format, default {@value #DEFAULT_ITERATIONS})
 * and {@code finetoon.fuzz.seed} (default: one fixed seed per format).
 */
public final class FuzzHarness {
  /** Inputs per format in a normal test run. */
  public static final int DEFAULT_ITERATIONS = 2000;

  private static final Path FAILURES = Path.of("target", "fuzz-failures");
  private static final int MAX_REPORTED = 20;
  private static final long MIB = 1 << 20;

  /** Reads one input. */
  @FunctionalInterface
  public interface Reader {
    void read(byte[] input) throws Exception;
  }

  /** Code to run on one input. */
  @FunctionalInterface
  public interface Target {
    void run() throws Exception;
  }

  /** One input of a run: what it is, the bytes that reproduce it, and what to run. */
  public record Case(String description, byte[] reproducer, Target target) {}

  private record Outcome(Throwable thrown, long cpuNanos, long allocated) {}

  private final String format;
  private final List<Class<? extends Throwable>> allowed;
  private final long cpuLimitNanos;
  private final LongUnaryOperator allocationLimit;

  private FuzzHarness(
      String format, List<Class<? extends Throwable>> allowed, long cpuLimitNanos, LongUnaryOperator allocationLimit) {
    this.format = format;
    this.allowed = allowed;
    this.cpuLimitNanos = cpuLimitNanos;
    this.allocationLimit = allocationLimit;
  }

  /** A harness for {@code format} (names the run and its failure files) that accepts these exception types. */
  @SafeVarargs
  public static FuzzHarness of(String format, Class<? extends Throwable>... allowed) {
    return new FuzzHarness(format, List.of(allowed), TimeUnit.SECONDS.toNanos(1), length -> 64 * MIB + 64 * length);
  }

  /** This harness with another CPU-time budget per input. */
  public FuzzHarness cpuLimit(long seconds) {
    return new FuzzHarness(format, allowed, TimeUnit.SECONDS.toNanos(seconds), allocationLimit);
  }

  /** This harness with another allocation bound, a function of the input's length. */
  public FuzzHarness allocationLimit(LongUnaryOperator bytesForLength) {
    return new FuzzHarness(format, allowed, cpuLimitNanos, bytesForLength);
  }

  /** Inputs per format: {@code finetoon.fuzz.iterations}, default {@value #DEFAULT_ITERATIONS}. */
  public static int iterations() {
    return Integer.getInteger("finetoon.fuzz.iterations", DEFAULT_ITERATIONS);
  }

  /** This run's seed: {@code finetoon.fuzz.seed}, default a fixed seed derived from the format's name. */
  public long seed() {
    return Long.getLong("finetoon.fuzz.seed", format.hashCode());
  }

  /** The seed files under {@code /fuzz/<dir>/} on the test class path, by name. */
  public static Map<String, byte[]> corpus(String dir) {
    try (Stream<Path> files = Files.list(Path.of(FuzzHarness.class.getResource("/fuzz/" + dir).toURI()))) {
      Map<String, byte[]> corpus = new TreeMap<>();
      for (Path file : (Iterable<Path>) files::iterator) {
        corpus.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
      return corpus;
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot read the fuzz corpus " + dir, e);
    }
  }

  /** Runs {@code reader} over {@link #iterations()} mutants of the corpus (files by name). */
  public void fuzz(Map<String, byte[]> corpus, Reader reader) {
    List<String> names = List.copyOf(corpus.keySet());
    Mutator mutator = new Mutator(List.copyOf(corpus.values()));
    long seed = seed();
    run(
        iterations(),
        i -> {
          byte[] input = mutator.mutant(seed, i);
          return new Case("mutant of " + names.get(mutator.fileOf(i)), input, () -> reader.read(input));
        });
  }

  /**
   * Runs {@code count} cases; fails the test listing every input that broke the rules (the run stops at the
   * {@value #MAX_REPORTED}th).
   */
  public void run(int count, IntFunction<Case> cases) {
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-" + format);
              t.setDaemon(true);
              return t;
            });
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    long slowest = 0;
    long largest = 0;
    long start = System.nanoTime();
    try {
      for (int i = 0; i < count; i++) {
        Case c = cases.apply(i);
        Future<Outcome> running = worker.submit(() -> measure(c.target()));
        Outcome outcome;
        try {
          outcome = running.get(10 * cpuLimitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          long seconds = TimeUnit.NANOSECONDS.toSeconds(10 * cpuLimitNanos);
          failures.add(fail(i, c, "did not finish within " + seconds + " s"));
          break;
        }
        slowest = Math.max(slowest, outcome.cpuNanos());
        largest = Math.max(largest, outcome.allocated());
        Throwable thrown = outcome.thrown();
        outcomes.merge(thrown == null ? "read" : thrown.getClass().getSimpleName(), 1, Integer::sum);
        String problem = problem(outcome, c.reproducer().length);
        if (problem != null) {
          failures.add(fail(i, c, problem));
          if (failures.size() == MAX_REPORTED) {
            break;
          }
        }
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("the fuzz worker failed", e);
    } finally {
      worker.shutdownNow();
    }
    System.out.printf(
        "fuzz %s: %d inputs (seed %d) in %.1f s: %s; slowest %d ms CPU, most allocated %d MiB%n",
        format, count, seed(), (System.nanoTime() - start) / 1e9, outcomes, slowest / 1_000_000, largest / MIB);
    assertThat(failures).as("fuzz %s (seed %d): inputs that broke the rules", format, seed()).isEmpty();
  }

  private static Outcome measure(Target target) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getCurrentThreadAllocatedBytes();
    Throwable thrown = null;
    try {
      target.run();
    } catch (Throwable t) { // OutOfMemoryError and StackOverflowError included: they are outcomes to report
      thrown = t;
    }
    return new Outcome(
        thrown, threads.getCurrentThreadCpuTime() - cpu, threads.getCurrentThreadAllocatedBytes() - allocated);
  }

  /** What is wrong with an outcome, or null. */
  private String problem(Outcome outcome, long length) {
    Throwable thrown = outcome.thrown();
    if (thrown != null && allowed.stream().noneMatch(type -> type.isInstance(thrown))) {
      return "threw " + thrown + " at " + Arrays.stream(thrown.getStackTrace()).limit(6).map(String::valueOf)
          .collect(Collectors.joining(" < "));
    }
    if (outcome.cpuNanos() > cpuLimitNanos) {
      return "took " + outcome.cpuNanos() / 1_000_000 + " ms of CPU";
    }
    if (outcome.allocated() > allocationLimit.applyAsLong(length)) {
      return "allocated " + outcome.allocated() / MIB + " MiB for " + length + " bytes of input";
    }
    return null;
  }

  /** Writes the reproducer (for the first few failures) and describes the failure. */
  private String fail(int iteration, Case c, String problem) {
    String name = format + "-seed" + seed() + "-" + iteration + ".bin";
    try {
      Files.createDirectories(FAILURES);
      Files.write(FAILURES.resolve(name), c.reproducer());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "iteration " + iteration + " (" + c.description() + ", " + c.reproducer().length + " bytes, saved as "
        + FAILURES.resolve(name) + "): " + problem;
  }
}
