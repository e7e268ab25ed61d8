package dev.finetoon;

/**
 * What noise a synthesis pass adds: {@link #CONST}, {@link #NONE}, or {@link #random(long)} with a seed (the same
 * seed gives the same image).
 */
public record Noise(NoiseMode mode, long seed) {
  public static final Noise CONST = new Noise(NoiseMode.CONST, 0);
  public static final Noise NONE = new Noise(NoiseMode.NONE, 0);

  public static Noise random(long seed) {
    return new Noise(NoiseMode.RANDOM, seed);
  }

  /** The given mode; random noise is seeded with {@code seed}. */
  public static Noise of(NoiseMode mode, long seed) {
    return switch (mode) {
      case CONST -> CONST;
      case NONE -> NONE;
      case RANDOM -> random(seed);
    };
  }
}
