package dev.finetoon.model;

import java.util.OptionalDouble;

/**
 * A modulated convolution: NVIDIA's {@code SynthesisLayer} ({@code conv0}, {@code conv1}) and {@code ToRGBLayer}
 * ({@code torgb}) share this description.
 *
 * <p>{@code s = affine(w)·styleGain}; {@code x ← conv(x·s, W)} (3×3 with padding 1, or a transposed 3×3 with stride 2
 * followed by the FIR filter when {@code up}; 1×1 for toRGB); times {@code rsqrt(Σ_i s_i²·Σ_k W²+1e-8)} when
 * {@code demodulate}; plus {@code noise_const·noise_strength} (or random or no noise) when {@code noise};
 * {@code y = clamp(act(x + b)·gain, ±clamp)}.
 *
 * @param name the PyTorch module name, e.g. {@code synthesis.b64.conv0}
 * @param wIndex which of the {@code num_ws} vectors this layer reads
 */
public record ModulatedConv(
    String name,
    int resolution,
    int inChannels,
    int outChannels,
    int kernelSize,
    boolean up,
    int wIndex,
    boolean demodulate,
    boolean noise,
    Activation activation,
    OptionalDouble clamp,
    double styleGain,
    DenseLayer affine) {

  public String weight() {
    return name + ".weight";
  }

  public String bias() {
    return name + ".bias";
  }

  public String noiseStrength() {
    return name + ".noise_strength";
  }

  public String noiseConst() {
    return name + ".noise_const";
  }
}
