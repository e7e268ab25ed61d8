package dev.finetoon.model;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * A StyleGAN2-ADA generator as data: its configuration, every parameter and buffer under its PyTorch name, and where
 * it came from. Immutable and thread-safe; blending makes new models that share unchanged tensors with their sources.
 *
 * <pre>{@code
 * StyleGanModel ffhq = ModelFiles.read(Path.of("ffhq-res256.pkl"));
 * Tensor wAvg = ffhq.tensor("mapping.w_avg");
 * }</pre>
 */
public final class StyleGanModel {
  private final GeneratorConfig config;
  private final LayerPlan plan;
  private final ImmutableMap<String, Tensor> tensors;
  private final ImmutableMap<String, String> provenance;

  private StyleGanModel(
      GeneratorConfig config,
      LayerPlan plan,
      ImmutableMap<String, Tensor> tensors,
      ImmutableMap<String, String> provenance) {
    this.config = config;
    this.plan = plan;
    this.tensors = tensors;
    this.provenance = provenance;
  }

  /**
   * A model from a configuration and its tensors. Every tensor the plan names must be present with the plan's shape;
   * extra tensors are dropped. Throws {@link IllegalArgumentException} naming the first missing or misshapen tensor.
   */
  public static StyleGanModel of(GeneratorConfig config, Map<String, Tensor> tensors, Map<String, String> provenance) {
    LayerPlan plan = LayerPlan.of(config);
    ImmutableMap.Builder<String, Tensor> ordered = ImmutableMap.builder();
    for (Map.Entry<String, int[]> expected : plan.tensorShapes().entrySet()) {
      Tensor t = tensors.get(expected.getKey());
      checkArgument(t != null, "missing tensor %s", expected.getKey());
      checkArgument(
          Arrays.equals(t.shape(), expected.getValue()),
          "tensor %s has shape %s, expected %s for this configuration",
          expected.getKey(),
          Arrays.toString(t.shape()),
          Arrays.toString(expected.getValue()));
      ordered.put(expected.getKey(), t);
    }
    return new StyleGanModel(config, plan, ordered.buildOrThrow(), ImmutableMap.copyOf(provenance));
  }

  public GeneratorConfig config() {
    return config;
  }

  /** The layer plan of this model's configuration. */
  public LayerPlan plan() {
    return plan;
  }

  /** All parameters and buffers in {@code state_dict} order. */
  public ImmutableMap<String, Tensor> tensors() {
    return tensors;
  }

  /** One tensor by its PyTorch name; throws naming it when absent. */
  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    checkArgument(t != null, "this model has no tensor %s", name);
    return t;
  }

  /** Where the model came from: {@code source}, {@code format}, and for blends {@code blend.*} entries. */
  public ImmutableMap<String, String> provenance() {
    return provenance;
  }

  /** The same model with other tensors replacing some of its own (names and shapes must match). */
  public StyleGanModel withTensors(Map<String, Tensor> replacements, Map<String, String> newProvenance) {
    Map<String, Tensor> merged = new java.util.LinkedHashMap<>(tensors);
    for (Map.Entry<String, Tensor> e : replacements.entrySet()) {
      checkArgument(merged.containsKey(e.getKey()), "this model has no tensor %s", e.getKey());
      merged.put(e.getKey(), e.getValue());
    }
    return of(config, merged, newProvenance);
  }

  /**
   * The same model with another mean w ({@code mapping.w_avg}, what truncation pulls towards), e.g. the one a
   * rosinality user computed with {@code g_ema.mean_latent(4096)}; provenance {@code w_avg} records {@code origin}.
   * Accepts {@code [w_dim]} or {@code [1, w_dim]}.
   *
   * <pre>{@code
   * StyleGanModel g = ModelFiles.read(Path.of("550000.pt")).withWAvg(NpyFile.read(mean).toTensor(), "mean.npy");
   * }</pre>
   */
  public StyleGanModel withWAvg(Tensor wAvg, String origin) {
    int w = config.wDim();
    checkArgument(
        wAvg.size() == w && (wAvg.rank() == 1 || (wAvg.rank() == 2 && wAvg.dim(0) == 1)),
        "the mean w has shape %s, this model needs [%s]",
        Arrays.toString(wAvg.shape()),
        w);
    Map<String, String> newProvenance = new java.util.LinkedHashMap<>(provenance);
    newProvenance.put("w_avg", origin);
    return withTensors(Map.of(LayerPlan.W_AVG, wAvg.reshape(w)), newProvenance);
  }

  /** Number of scalar parameters and buffers under a name prefix, e.g. {@code synthesis.b64.}. */
  public long parameterCount(String prefix) {
    return tensors.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(e -> e.getValue().size())
        .sum();
  }

  @Override
  public String toString() {
    return "StyleGanModel[" + config.imgResolution() + "px, z" + config.zDim() + " w" + config.wDim() + ", "
        + provenance.getOrDefault("source", "in memory") + "]";
  }
}
