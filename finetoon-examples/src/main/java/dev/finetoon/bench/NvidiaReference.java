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
 * NVIDIA's own code timed in the same run, through the scripts of {@code ../shared/bench} (its README says how to set
 * them up): NVIDIA's stylegan2-ada-pytorch sources in {@code BASE/sg2ada} and random-weight models made by its
 * {@code make_model.py} in {@code BASE/paper256.pkl} and {@code BASE/paper1024.pkl}, where {@code BASE} is
 * {@code FINETOON_BENCH_BASELINE} or {@code /tmp}. Benches print a ratio only when this is set up, and say why not.
 */
final class NvidiaReference {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Pattern RATE = Pattern.compile("([0-9.]+) (steps|img)/s");

  private final Path scripts;
  private final Path base;

  private NvidiaReference(Path scripts, Path base) {
    this.scripts = scripts;
    this.base = base;
  }

  /** The baseline where it is set up; otherwise empty, with {@link #missing()} saying what is absent. */
  static Optional<NvidiaReference> locate() {
    return missing().isEmpty() ? Optional.of(new NvidiaReference(scripts(), base())) : Optional.empty();
  }

  /** What the baseline lacks on this machine; empty when it is set up. */
  static String missing() {
    List<String> absent = new ArrayList<>();
    for (Path needed : List.of(PYTHON, scripts().resolve("bench_reference.py"), base().resolve("sg2ada/legacy.py"),
        base().resolve("paper256.pkl"))) {
      if (!Files.isRegularFile(needed)) {
        absent.add(needed.toString());
      }
    }
    return absent.isEmpty() ? "" : "NVIDIA's baseline is not set up (../shared/bench/README.md); missing: "
        + String.join(", ", absent);
  }

  /** Steps/s of NVIDIA's {@code "projection step"} or {@code "triplet step"} at 256², median of {@code steps}. */
  double stepsPerSecond(String step, int steps, int threads) throws IOException, InterruptedException {
    return rate(run("bench_steps_reference.py", model(256), steps, "cpu", threads), step + ":");
  }

  /** Images/s of NVIDIA's generator ({@code G(z)}, ψ 0.7, constant noise), median of {@code repeats} batches. */
  double imagesPerSecond(int resolution, int batch, int repeats, int threads)
      throws IOException, InterruptedException {
    return rate(run("bench_reference.py", model(resolution), batch, repeats, "cpu", threads), "batch=" + batch);
  }

  private Path model(int resolution) {
    return base.resolve("paper" + resolution + ".pkl");
  }

  private String run(String script, Object... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), scripts.resolve(script).toString(),
        base.resolve("sg2ada").toString()));
    for (Object arg : args) {
      command.add(arg.toString());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("NVIDIA's baseline failed (" + String.join(" ", command) + "):\n" + output);
    }
    return output;
  }

  private static double rate(String output, String marker) throws IOException {
    for (String line : output.split("\n")) {
      Matcher rate = RATE.matcher(line);
      if (line.contains(marker) && rate.find()) {
        return Double.parseDouble(rate.group(1));
      }
    }
    throw new IOException("no '" + marker + "' rate in NVIDIA's baseline output:\n" + output);
  }

  private static Path scripts() {
    return Path.of(System.getProperty("finetoon.bench.scripts", "../shared/bench")).toAbsolutePath().normalize();
  }

  private static Path base() {
    String base = System.getenv("FINETOON_BENCH_BASELINE");
    return Path.of(base == null || base.isBlank() ? "/tmp" : base);
  }
}
