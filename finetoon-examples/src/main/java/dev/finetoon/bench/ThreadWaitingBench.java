package dev.finetoon.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetoon.train.PyTorchThreads;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What libtorch's thread waiting costs: the same DJL workload (many small operators, as in a projection or fine-tune
 * step) in fresh JVMs with each {@code -Dfinetoon.threads.waiting}: {@code brief} (finetoon's default: spin briefly,
 * then sleep), {@code passive} (never spin) and {@code active} (OpenMP's spinning default), alternating, on the machine
 * as it is and with two CPU-bound competing processes. Prints seconds per run as medians with min–max and each
 * setting's time over the default's.
 *
 * <pre>
 * java -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.ThreadWaitingBench [rounds]
 * </pre>
 */
public final class ThreadWaitingBench {
  private static final int OPERATIONS = 3000;
  private static final List<String> WAITINGS = List.of("brief", "passive", "active");

  private ThreadWaitingBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    System.out.printf("%d × (256×256 matmul + tanh) on DJL's PyTorch engine, %d cores; seconds per run%n", OPERATIONS,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("%-24s %-26s %-26s %-26s %s%n", "condition", "brief (finetoon default)", "passive",
        "active (OpenMP default)", "passive / brief, active / brief");
    for (int competitors : List.of(0, 2)) {
      Map<String, Rates> seconds = new LinkedHashMap<>();
      WAITINGS.forEach(waiting -> seconds.put(waiting, new Rates()));
      try (Competitors busy = Competitors.start(competitors)) {
        for (int round = 0; round < rounds; round++) {
          for (String waiting : WAITINGS) {
            seconds.get(waiting).add(runWorkload(waiting));
          }
        }
      }
      double brief = seconds.get("brief").median();
      System.out.printf("%-24s %-26s %-26s %-26s %.2fx, %.2fx%n",
          competitors == 0 ? "as the machine is" : "2 competing processes", seconds.get("brief").summary(),
          seconds.get("passive").summary(), seconds.get("active").summary(), seconds.get("passive").median() / brief,
          seconds.get("active").median() / brief);
    }
  }

  /** Seconds the workload takes in a fresh JVM with the given waiting, JVM start and engine load excluded. */
  private static double runWorkload(String waiting) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-Dfinetoon.threads.waiting=" + waiting, "-cp",
        System.getProperty("java.class.path"), Workload.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    if (process.waitFor() != 0 || output.isEmpty()) {
      throw new IOException("the " + waiting + " workload failed: " + output);
    }
    String[] lines = output.split("\n");
    return Double.parseDouble(lines[lines.length - 1]);
  }

  /** The timed workload; prints its seconds as the last line. */
  static final class Workload {
    private Workload() {}

    public static void main(String[] args) {
      PyTorchThreads.applyDefaults();
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        NDArray x = manager.randomNormal(new Shape(256, 256));
        NDArray w = manager.randomNormal(new Shape(256, 256));
        run(manager, x, w, 100); // warm-up
        long start = System.nanoTime();
        run(manager, x, w, OPERATIONS);
        System.out.println((System.nanoTime() - start) / 1e9);
      }
    }

    private static void run(NDManager manager, NDArray x, NDArray w, int operations) {
      for (int i = 0; i < operations; i++) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray y = x.matMul(w);
          y.attach(scope);
          y.tanh().attach(scope);
        }
      }
    }
  }
}
