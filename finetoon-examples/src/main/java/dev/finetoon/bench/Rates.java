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
    return summary("%.3f");
  }

  /** The median and min–max, each written with {@code format} (e.g. {@code "%.0f"}); {@code "-"} when empty. */
  String summary(String format) {
    return values.isEmpty() ? "-" : String.format(format + " (" + format + "–" + format + ")", median(),
        Collections.min(values), Collections.max(values));
  }

  /**
   * The ratio of the medians and each pair's ratio, {@code "1.52x (1.49 1.55)"}, for measurements taken in pairs
   * (A B A B); a dash where either is empty.
   */
  static String ratios(Rates ours, Rates theirs) {
    if (ours.isEmpty() || theirs.isEmpty()) {
      return "-";
    }
    StringBuilder pairs = new StringBuilder();
    for (int i = 0; i < Math.min(ours.values.size(), theirs.values.size()); i++) {
      pairs.append(i == 0 ? "" : " ").append(String.format("%.2f", ours.values.get(i) / theirs.values.get(i)));
    }
    return String.format("%.2fx (%s)", ours.median() / theirs.median(), pairs);
  }
}
