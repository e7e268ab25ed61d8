package dev.finetoon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory from {@code /proc/self/status} (Linux); -1 where that file does not exist. */
final class PeakMemory {
  private PeakMemory() {}

  /** Peak resident set size so far ({@code VmHWM}), in MiB. */
  static long peakMiB() {
    return field("VmHWM:");
  }

  /** Current resident set size ({@code VmRSS}), in MiB. */
  static long currentMiB() {
    return field("VmRSS:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
