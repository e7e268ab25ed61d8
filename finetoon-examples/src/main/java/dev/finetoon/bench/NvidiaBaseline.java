package dev.finetoon.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVIDIA's own code timed in the same run, through the scripts of {@code ../shared/bench} (Debian's PyTorch, NVIDIA's
 * stylegan2-ada-pytorch checkout, a pickle from {@code make_model.py}; see that folder's README): its generator
 * ({@code bench_reference.py}) and its projection and triplet steps ({@code bench_steps_reference.py}, beside it). Each
 * run is a fresh Python process; its peak resident memory comes from {@code resource.getrusage}.
 *
 * <p>Set up by the system properties {@code nvidia.sg2ada} (the checkout), {@code nvidia.pkl} (the model),
 * optionally {@code nvidia.python} (default {@code /usr/bin/python3}) and {@code nvidia.script} (default
 * {@code ../shared/bench/bench_reference.py}). Without them {@link #configured} is empty and the benches say so.
 */
final class NvidiaBaseline {
  /** The scripts' median time per batch or step; their rates are printed with two decimals only. */
  private static final Pattern MEDIAN_MS = Pattern.compile("median ([0-9.]+) ms");
  private static final Pattern MAX_RSS = Pattern.compile("maxrss_kib ([0-9]+)");
  /** The BLAS Debian's python3-torch links; where it is the reference BLAS NVIDIA's code runs about 4× slower. */
  private static final Path DEBIAN_BLAS = Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3");
  /** Runs the script with the given argv and prints the process's peak RSS after it. */
  private static final String WRAPPER = "import resource, runpy, sys; sys.argv = sys.argv[1:]; "
      + "runpy.run_path(sys.argv[0], run_name='__main__'); "
      + "print('maxrss_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)";

  private final String python;
  private final Path script;
  private final Path sg2ada;
  private final Path pkl;

  /** One run's result: images or steps per second (from the median time of its repeats) and its peak RSS. */
  record Run(double rate, long peakMiB) {}

  private NvidiaBaseline(String python, Path script, Path sg2ada, Path pkl) {
    this.python = python;
    this.script = script;
    this.sg2ada = sg2ada;
    this.pkl = pkl;
  }

  /** The baseline named by the system properties, or empty with the reason printed. */
  static Optional<NvidiaBaseline> configured() {
    String sg2ada = System.getProperty("nvidia.sg2ada");
    String pkl = System.getProperty("nvidia.pkl");
    Path script = Path.of(System.getProperty("nvidia.script", "../shared/bench/bench_reference.py"));
    String python = System.getProperty("nvidia.python", "/usr/bin/python3");
    if (sg2ada == null || pkl == null) {
      System.out.println("NVIDIA baseline: not set up (pass -Dnvidia.sg2ada=DIR -Dnvidia.pkl=FILE, see "
          + "../shared/bench/README.md); no ratio to NVIDIA is printed");
      return Optional.empty();
    }
    for (Path p : List.of(Path.of(sg2ada), Path.of(pkl), script, Path.of(python))) {
      if (!Files.exists(p)) {
        System.out.println("NVIDIA baseline: " + p + " does not exist; no ratio to NVIDIA is printed");
        return Optional.empty();
      }
    }
    String blas = blas();
    if (blas.contains("/x86_64-linux-gnu/blas/")) { // netlib's libblas3, not an optimised alternative
      System.out.println("NVIDIA baseline: warning: " + DEBIAN_BLAS + " is the reference BLAS (" + blas + "), on "
          + "which NVIDIA's code runs about 4x slower and every ratio flatters finetoon; install an optimised one "
          + "(apt-get install libopenblas0-openmp, see docs/performance.md)");
    }
    return Optional.of(new NvidiaBaseline(python, script, Path.of(sg2ada), Path.of(pkl)));
  }

  /** Where {@code libblas.so.3} resolves to, or {@code "unknown"} off Debian's layout. */
  private static String blas() {
    try {
      return DEBIAN_BLAS.toRealPath().toString();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** NVIDIA's {@code G(z)} at ψ 0.7 with const noise, {@code repeats} timed batches, on {@code threads} threads. */
  Run generate(int batch, int repeats, int threads) throws IOException, InterruptedException {
    return run(script, "batch=" + batch + ":", batch, batch, repeats, "cpu", threads);
  }

  /**
   * Steps/s of NVIDIA's {@code "projection step"} or {@code "triplet step"} (the model must be 256²: the script's
   * target is), median of {@code steps} timed steps, on {@code threads} threads.
   */
  Run step(String step, int steps, int threads) throws IOException, InterruptedException {
    return run(script.resolveSibling("bench_steps_reference.py"), step + ":", 1, steps, "cpu", threads);
  }

  /** Runs {@code bench} and reads {@code items} (images or steps) per median time from its line with {@code marker}. */
  private Run run(Path bench, String marker, int items, Object... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(python, "-c", WRAPPER, bench.toString(), sg2ada.toString(),
        pkl.toString()));
    for (Object arg : args) {
      command.add(arg.toString());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    Matcher rss = MAX_RSS.matcher(output);
    if (exit == 0 && rss.find()) {
      for (String line : output.split("\n")) {
        Matcher median = MEDIAN_MS.matcher(line);
        if (line.contains(marker) && median.find()) {
          return new Run(items * 1000 / Double.parseDouble(median.group(1)), Long.parseLong(rss.group(1)) / 1024);
        }
      }
    }
    throw new IOException("NVIDIA's bench failed (exit " + exit + "): " + output.strip());
  }

  @Override
  public String toString() {
    return "NVIDIA stylegan2-ada-pytorch at " + sg2ada + " on " + pkl + " (" + python + ", BLAS " + blas() + ")";
  }
}
