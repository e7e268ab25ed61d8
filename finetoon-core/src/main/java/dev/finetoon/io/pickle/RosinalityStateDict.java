package dev.finetoon.io.pickle;

import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.Tensor;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model's tensors under rosinality/stylegan2-pytorch's {@code Generator.state_dict()} names, shapes and order:
 * {@code style.{i+1}} ← {@code mapping.fc{i}}, {@code input.input} ← {@code b4.const}, {@code conv1}/{@code to_rgb1}
 * ← {@code b4.conv1}/{@code b4.torgb}, {@code convs.{2k}}/{@code convs.{2k+1}}/{@code to_rgbs.{k}} ←
 * {@code b{8·2^k}.conv0}/{@code conv1}/{@code torgb}, {@code noises.noise_{i}} ← the layers' {@code noise_const}.
 * Conv weights gain a leading 1 ({@code [1, O, I, k, k]}); the blur kernels are NVIDIA's filter ×4 (rosinality
 * folds the up-sampling gain into them). Nothing else changes: both store the affine bias with its +1 and the
 * mapping weights ×1/lr_multiplier.
 */
final class RosinalityStateDict {
  /** rosinality's {@code lr_mlp} default; its state dict does not record the value. */
  private static final double LR_MLP = 0.01;

  private RosinalityStateDict() {}

  /** The state dict in rosinality's order; throws {@link IncompatibleModelsException} for what its model lacks. */
  static Map<String, Tensor> of(StyleGanModel model) {
    check(model.config());
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < model.plan().mapping().size(); i++) {
      out.put("style." + (i + 1) + ".weight", model.tensor("mapping.fc" + i + ".weight"));
      out.put("style." + (i + 1) + ".bias", model.tensor("mapping.fc" + i + ".bias"));
    }
    List<SynthesisBlock> blocks = model.plan().blocks();
    SynthesisBlock b4 = blocks.get(0);
    out.put("input.input", withLeadingOnes(model.tensor(b4.constant()), 1));
    conv(model, b4.conv1(), "conv1", out);
    toRgb(model, b4.torgb(), "to_rgb1", out);
    for (int k = 0; k < blocks.size() - 1; k++) {
      SynthesisBlock block = blocks.get(k + 1);
      conv(model, block.conv0().orElseThrow(), "convs." + 2 * k, out);
      conv(model, block.conv1(), "convs." + (2 * k + 1), out);
    }
    for (int k = 0; k < blocks.size() - 1; k++) {
      toRgb(model, blocks.get(k + 1).torgb(), "to_rgbs." + k, out);
    }
    int noise = 0;
    for (SynthesisBlock block : blocks) {
      for (ModulatedConv layer : block.convs()) {
        int r = layer.resolution();
        Tensor value = layer.noise() ? model.tensor(layer.noiseConst()) : Tensor.zeros(r, r);
        out.put("noises.noise_" + noise++, withLeadingOnes(value, 2));
      }
    }
    return out;
  }

  /**
   * {@code channel_multiplier} of rosinality's fixed width table (512 up to 32², then {@code 2^(14-log2 r)·cm}) that
   * gives this model's widths, if any: the value to construct its {@code Generator} with.
   */
  static OptionalInt channelMultiplier(GeneratorConfig config) {
    for (int cm = 1; cm <= 8; cm++) {
      boolean fits = true;
      for (int r : config.blockResolutions()) {
        int expected = r <= 32 ? 512 : 16384 / r * cm;
        fits &= config.channels(r) == expected;
      }
      if (fits) {
        return OptionalInt.of(cm);
      }
    }
    return OptionalInt.empty();
  }

  private static void check(GeneratorConfig c) {
    require(c.cDim() == 0, "it is conditional (c_dim " + c.cDim() + ") and rosinality's Generator has no labels");
    require(c.zDim() == c.wDim() && c.mapping().layerFeatures() == c.wDim(),
        "rosinality's style_dim is z_dim, w_dim and the mapping width at once; this model has " + c.zDim() + ", "
            + c.wDim() + " and " + c.mapping().layerFeatures());
    require(c.imgChannels() == 3, "it has " + c.imgChannels() + " image channels and rosinality's ToRGB makes 3");
    require(c.mapping().lrMultiplier() == LR_MLP,
        "its mapping lr_multiplier is " + c.mapping().lrMultiplier() + " and rosinality's files assume lr_mlp 0.01");
    require(c.synthesis().resampleFilter().equals(List.of(1.0, 3.0, 3.0, 1.0)),
        "its resample_filter is " + c.synthesis().resampleFilter() + " and rosinality's blur kernel is [1, 3, 3, 1]");
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IncompatibleModelsException("cannot write as a rosinality checkpoint: " + problem);
    }
  }

  private static void conv(StyleGanModel model, ModulatedConv layer, String name, Map<String, Tensor> out) {
    out.put(name + ".conv.weight", withLeadingOnes(model.tensor(layer.weight()), 1));
    if (layer.up()) {
      out.put(name + ".conv.blur.kernel", blurKernel(model, layer.name()));
    }
    modulation(model, layer, name, out);
    Tensor strength = layer.noise() ? model.tensor(layer.noiseStrength()) : Tensor.zeros();
    out.put(name + ".noise.weight", strength.reshape(1));
    out.put(name + ".activate.bias", model.tensor(layer.bias()));
  }

  private static void toRgb(StyleGanModel model, ModulatedConv layer, String name, Map<String, Tensor> out) {
    Tensor bias = model.tensor(layer.bias());
    out.put(name + ".bias", bias.reshape(1, bias.size(), 1, 1));
    if (layer.resolution() > 4) {
      out.put(name + ".upsample.kernel", blurKernel(model, "synthesis.b" + layer.resolution()));
    }
    out.put(name + ".conv.weight", withLeadingOnes(model.tensor(layer.weight()), 1));
    modulation(model, layer, name, out);
  }

  private static void modulation(StyleGanModel model, ModulatedConv layer, String name, Map<String, Tensor> out) {
    out.put(name + ".conv.modulation.weight", model.tensor(layer.affine().weight()));
    out.put(name + ".conv.modulation.bias", model.tensor(layer.affine().bias()));
  }

  /** rosinality's {@code make_kernel([1, 3, 3, 1]) · factor²}: NVIDIA's normalised filter ×4 (exact in float32). */
  private static Tensor blurKernel(StyleGanModel model, String module) {
    Tensor filter = model.tensor(module + ".resample_filter");
    float[] values = filter.toArray();
    for (int i = 0; i < values.length; i++) {
      values[i] *= 4;
    }
    return Tensor.adopt(values, filter.shape());
  }

  private static Tensor withLeadingOnes(Tensor t, int count) {
    int[] shape = new int[t.rank() + count];
    java.util.Arrays.fill(shape, 0, count, 1);
    System.arraycopy(t.shape(), 0, shape, count, t.rank());
    return t.reshape(shape);
  }
}
