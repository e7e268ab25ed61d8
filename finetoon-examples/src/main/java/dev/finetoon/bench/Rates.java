package dev.finetoon.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated measurements of one rate, reported as a median with its min–max. */
final class Rates {
  private final List<Double> values = new ArrayList<>();

  void add(double value) {
    values.add(value);
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  double median() {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** {@code "0.352 (0.331–0.360)"}, or {@code "-"} when nothing was measured. */
  String summary() {
    return values.isEmpty() ? "-" : String.format("%.3f (%.3f–%.3f)", median(), Collections.min(values),
        Collections.max(values));
  }
}
