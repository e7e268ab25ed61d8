package dev.finetoon.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU-bound processes competing for the cores while a bench runs, so that "busy machine" rows have the same
 * competitor for NVIDIA's code and for finetoon: {@code count} child JVMs, each spinning one thread until closed.
 *
 * <pre>{@code
 * try (Competitors busy = Competitors.start(2)) { ... time both ... }
 * }</pre>
 */
final class Competitors implements AutoCloseable {
  private final List<Process> processes;

  private Competitors(List<Process> processes) {
    this.processes = processes;
  }

  /** Starts {@code count} spinning processes (none for 0). */
  static Competitors start(int count) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Spin.class.getName())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start());
    }
    return new Competitors(processes);
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }

  /** One thread of pure arithmetic, until the bench that started it is gone (closed, killed or not). */
  static final class Spin {
    private Spin() {}

    public static void main(String[] args) {
      ProcessHandle bench = ProcessHandle.current().parent().orElseThrow();
      double x = 1;
      while (bench.isAlive()) {
        for (int i = 0; i < 10_000_000; i++) {
          x = x * 1.0000001 + 1e-9;
        }
      }
      System.out.println(x);
    }
  }
}
