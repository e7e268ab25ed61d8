package dev.finetoon.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alternates finetoon's and NVIDIA's measurement of one workload (A B A B …) under the same conditions, then prints
 * both as medians with min–max, the ratio of the medians and each pair's. Without NVIDIA's baseline
 * ({@link NvidiaBaseline#configured()} says what is missing) it prints finetoon's rates alone.
 */
final class SameRun {
  /** One timed run of a workload, as a rate (steps/s or images/s). */
  interface Measurement {
    double rate() throws Exception;
  }

  private final Rates ours;
  private final Rates nvidia;

  private SameRun(Rates ours, Rates nvidia) {
    this.ours = ours;
    this.nvidia = nvidia;
  }

  /** {@code rounds} alternations of {@code finetoon} and, where set up, {@code reference}. */
  static SameRun alternate(int rounds, Measurement finetoon, Optional<Measurement> reference) throws Exception {
    List<Measurement> measurements = new ArrayList<>(List.of(finetoon));
    reference.ifPresent(measurements::add);
    List<Rates> rates = interleave(rounds, measurements);
    return new SameRun(rates.get(0), reference.isPresent() ? rates.get(1) : new Rates());
  }

  /** {@code rounds} rounds of every measurement in turn (A B C A B C …); their rates in the same order. */
  static List<Rates> interleave(int rounds, List<Measurement> measurements) throws Exception {
    List<Rates> rates = new ArrayList<>();
    measurements.forEach(m -> rates.add(new Rates()));
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < measurements.size(); i++) {
        rates.get(i).add(measurements.get(i).rate());
      }
    }
    return rates;
  }

  double oursMedian() {
    return ours.median();
  }

  /** 1.5× NVIDIA's median, the usual target, where NVIDIA was measured. */
  Optional<Double> target() {
    return nvidia.isEmpty() ? Optional.empty() : Optional.of(1.5 * nvidia.median());
  }

  static void printHeader(String unit) {
    System.out.printf("%-28s %-26s %-26s %s%n", "condition", "finetoon " + unit, "NVIDIA " + unit, "ratio");
  }

  void printRow(String condition) {
    System.out.printf("%-28s %-26s %-26s %s%n", condition, ours.summary(),
        nvidia.isEmpty() ? "not set up" : nvidia.summary(), Rates.ratios(ours, nvidia));
  }
}
