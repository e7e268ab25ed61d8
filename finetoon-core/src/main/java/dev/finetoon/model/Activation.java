package dev.finetoon.model;

/** The activations StyleGAN2 uses, with NVIDIA's default gains ({@code bias_act.activation_funcs}). */
public enum Activation {
  /** Identity, gain 1. */
  LINEAR(1.0),
  /** Leaky ReLU with slope 0.2, gain √2. */
  LRELU(Math.sqrt(2.0));

  /** The slope of {@link #LRELU} for negative inputs. */
  public static final double LRELU_ALPHA = 0.2;

  private final double gain;

  Activation(double gain) {
    this.gain = gain;
  }

  /** The factor applied after the activation. */
  public double gain() {
    return gain;
  }
}
