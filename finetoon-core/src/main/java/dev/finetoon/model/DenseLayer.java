package dev.finetoon.model;

/**
 * A fully connected layer as NVIDIA's {@code FullyConnectedLayer}: {@code y = act(x · (W·weightGain)ᵀ + b·biasGain)}.
 *
 * @param name the PyTorch module name, e.g. {@code mapping.fc0}; weights are {@code name.weight} [out, in] and
 *     {@code name.bias} [out]
 */
public record DenseLayer(
    String name, int inFeatures, int outFeatures, Activation activation, double weightGain, double biasGain) {

  public String weight() {
    return name + ".weight";
  }

  public String bias() {
    return name + ".bias";
  }
}
