package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.OptionalInt;

/**
 * The truncation trick: {@code w ← w_avg + ψ·(w − w_avg)}, on the first {@code cutoff} ws only when a cutoff is set.
 *
 * <pre>{@code
 * Truncation.of(0.7);                 // all ws, as generate.py --trunc 0.7
 * Truncation.of(0.5).withCutoff(4);  // the coarse ws only
 * Truncation.NONE;                    // ψ = 1
 * }</pre>
 */
public record Truncation(double psi, OptionalInt cutoff) {
  public static final Truncation NONE = new Truncation(1.0, OptionalInt.empty());

  public Truncation {
    checkArgument(Double.isFinite(psi), "truncation psi must be finite, got %s", psi);
    checkArgument(cutoff.isEmpty() || cutoff.getAsInt() >= 0, "truncation cutoff must not be negative");
  }

  public static Truncation of(double psi) {
    return new Truncation(psi, OptionalInt.empty());
  }

  public Truncation withCutoff(int layers) {
    return new Truncation(psi, OptionalInt.of(layers));
  }

  /** How many leading ws are truncated out of {@code numWs}. */
  public int truncatedWs(int numWs) {
    return Math.min(cutoff.orElse(numWs), numWs);
  }
}
