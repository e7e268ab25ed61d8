package dev.finetoon;

/** Per-pixel noise in the synthesis layers, as NVIDIA's {@code noise_mode}. */
public enum NoiseMode {
  /** The fixed {@code noise_const} buffers of the model (deterministic; generate.py's default). */
  CONST,
  /** Fresh standard-normal noise, from a seed so results can be repeated. */
  RANDOM,
  /** No noise. */
  NONE
}
