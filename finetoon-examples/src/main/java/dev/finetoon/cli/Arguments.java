package dev.finetoon.cli;

import static com.google.common.base.Preconditions.checkArgument;


/** Range checks of option values that picocli's types cannot express; each failure is a one-line error. */
final class Arguments {
  private Arguments() {}

  /**
   * A truncation psi in [0, 1]: 1 leaves w as it is, 0 collapses it to the average face; values outside extrapolate
   * away from the average, which no Fine-Tooning step uses.
   */
  static double psi(double psi) {
    checkArgument(psi >= 0 && psi <= 1, "--trunc %s is out of range: give a psi in [0, 1] (1: no truncation, 0: the "
        + "average face)", psi);
    return psi;
  }
}
