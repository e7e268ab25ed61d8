package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import dev.finetoon.testing.FormatCases;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code ../shared/reference/formats/shared.json}, computed by each format's own code (rosinality's
 * {@code model.py}, NVIDIA's {@code legacy.py}, the StyleGAN3 repository's {@code networks_stylegan2}), through the
 * readers and the ONNX generator: ws within 1e-4, images within 1e-3 max-abs.
 */
class FormatParityTest {
  private static final float WS_TOLERANCE = 1e-4f;
  private static final float IMG_TOLERANCE = 1e-3f;

  @AfterAll
  static void nothingCompiledIsLeftBehind() {
    assertThat(CompiledGraphs.size()).isZero();
  }

  static Stream<FormatCases.Case> generateCases() {
    return FormatCases.of("generate");
  }

  static Stream<FormatCases.Case> mappingCases() {
    return FormatCases.of("mapping");
  }

  static Stream<FormatCases.Case> fromWsCases() {
    return FormatCases.of("generate_from_ws");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generateCases")
  void generatesWhatTheFormatsOwnCodeGenerates(FormatCases.Case c) {
    try (OnnxGenerator g = OnnxGenerator.open(c.model(), SessionSettings.defaults())) {
      Tensor ws = g.mapping(c.array("z"), null, Truncation.of(c.psi()));
      assertThat(ws.maxAbsDifference(c.array("ws"))).isLessThanOrEqualTo(WS_TOLERANCE);
      Tensor img = g.synthesis(c.array("ws"), Noise.CONST);
      assertThat(img.maxAbsDifference(c.array("img"))).isLessThanOrEqualTo(IMG_TOLERANCE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappingCases")
  void mapsWhatRosinalitysStyleNetworkMaps(FormatCases.Case c) {
    try (OnnxGenerator g = OnnxGenerator.open(c.model(), SessionSettings.defaults())) {
      Tensor ws = g.mapping(c.array("z"), null, Truncation.NONE);
      Tensor w = c.array("w");
      int n = w.dim(0);
      int d = w.dim(1);
      float[] first = new float[n * d];
      for (int i = 0; i < n; i++) {
        System.arraycopy(ws.toArray(), i * g.config().numWs() * d, first, i * d, d);
      }
      assertThat(Tensor.of(first, n, d).maxAbsDifference(w)).isLessThanOrEqualTo(WS_TOLERANCE);
    }
  }

  /**
   * rosinality's {@code input_is_latent=True} with per-layer ws: a {@code [B, n_latent, D]} input is used as it is,
   * and {@code psi < 1} still truncates every layer towards the latent: {@code L + ψ·(ws − L)}. finetoon synthesises
   * given ws as they are, so the truncation is that one line here.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fromWsCases")
  void synthesisesGivenWsAsRosinalityDoes(FormatCases.Case c) {
    StyleGanModel model = c.model();
    float[] latent = model.tensor(LayerPlan.W_AVG).toArray();
    Tensor in = c.array("ws_in");
    float[] ws = in.toArray();
    for (int i = 0; i < ws.length; i++) {
      float avg = latent[i % latent.length];
      ws[i] = avg + (float) c.psi() * (ws[i] - avg);
    }
    assertThat(Tensor.of(ws, in.shape()).maxAbsDifference(c.array("ws"))).isLessThanOrEqualTo(WS_TOLERANCE);
    try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults())) {
      assertThat(g.synthesis(Tensor.of(ws, in.shape()), Noise.CONST).maxAbsDifference(c.array("img")))
          .isLessThanOrEqualTo(IMG_TOLERANCE);
    }
  }

  /** finetoon's block swap moves each block's noise buffers with it: rosinality's swap that moves them too. */
  @Test
  void blockSwapOfRosinalityModelsIsTheSwapWithNoises() {
    FormatCases.Case c = swapCase("ros_swap_res16_32_with_noises");
    StyleGanModel blend = LayerBlender.swap(base(), toon(), 16, 32);
    assertGenerates(blend, c);
  }

  /** rosinality's other swap keeps the base's noise buffers: a block swap with the base's noise_const put back. */
  @Test
  void swapKeepingTheBasesNoisesIsTheBlockSwapWithBaseNoise() {
    FormatCases.Case c = swapCase("ros_swap_res16_32");
    StyleGanModel base = base();
    StyleGanModel blend = LayerBlender.swap(base, toon(), 16, 32);
    Map<String, Tensor> noises = new HashMap<>();
    for (String name : blend.tensors().keySet()) {
      if (name.endsWith(".noise_const") && (name.startsWith("synthesis.b16.") || name.startsWith("synthesis.b32."))) {
        noises.put(name, base.tensor(name));
      }
    }
    assertThat(noises).hasSize(4);
    assertGenerates(blend.withTensors(noises, blend.provenance()), c);
  }

  /**
   * VToonify's {@code blend_models(G_low=base, G_high=toon, weight)}: each layer interpolated by the weight of the w it
   * reads ({@link ModulatedConv#wIndex}, so a ToRGB travels with the next block's first conv), mapping, constant and
   * noise buffers the toon's.
   */
  @Test
  void vtoonifysLayerBlendOfRosinalityModelsMatches() {
    FormatCases.Case c = swapCase("ros_swap_vtoonify");
    List<Double> weight = Stream.of(c.spec().get("weight")).flatMap(w -> {
      List<Double> out = new java.util.ArrayList<>();
      w.forEach(v -> out.add(v.asDouble()));
      return out.stream();
    }).toList();
    StyleGanModel base = base();
    StyleGanModel toon = toon();
    Map<String, Tensor> blended = new HashMap<>();
    for (SynthesisBlock block : toon.plan().blocks()) {
      for (ModulatedConv layer : block.layers()) {
        float w = weight.get(layer.wIndex()).floatValue();
        for (String name : toon.tensors().keySet()) {
          if (name.startsWith(layer.name() + ".") && !name.endsWith(".noise_const")
              && !name.endsWith(".resample_filter")) {
            float[] a = toon.tensor(name).toArray();
            float[] b = base.tensor(name).toArray();
            for (int i = 0; i < a.length; i++) {
              a[i] = a[i] * (1 - w) + b[i] * w;
            }
            blended.put(name, Tensor.of(a, toon.tensor(name).shape()));
          }
        }
      }
    }
    assertGenerates(toon.withTensors(blended, toon.provenance()), c);
  }

  /** A block swap across formats: a TensorFlow base with rosinality blocks, the architectures agreeing. */
  @Test
  void blocksSwapAcrossFormats() {
    StyleGanModel tf = FormatCases.model("tf_sg2019.pkl", "");
    StyleGanModel ros = toon();
    StyleGanModel blend = LayerBlender.swap(tf, ros, 16, 32);
    assertThat(blend.tensor("synthesis.b32.conv1.weight")).isSameAs(ros.tensor("synthesis.b32.conv1.weight"));
    assertThat(blend.tensor("synthesis.b8.conv1.weight")).isSameAs(tf.tensor("synthesis.b8.conv1.weight"));
    assertThat(blend.tensor(LayerPlan.W_AVG)).isSameAs(tf.tensor(LayerPlan.W_AVG));
    try (OnnxGenerator g = OnnxGenerator.open(blend, SessionSettings.defaults());
        OnnxGenerator t = OnnxGenerator.open(tf, SessionSettings.defaults());
        OnnxGenerator r = OnnxGenerator.open(ros, SessionSettings.defaults())) {
      Tensor ws = FormatCases.array("tf_sg2019_psi0.7_ws.npy");
      Tensor img = g.synthesis(ws, Noise.CONST);
      assertThat(img.maxAbsDifference(t.synthesis(ws, Noise.CONST))).isGreaterThan(0.01f);
      assertThat(img.maxAbsDifference(r.synthesis(ws, Noise.CONST))).isGreaterThan(0.01f);
    }
  }

  private static StyleGanModel base() {
    return FormatCases.model("ros_g_ema.pt", "ros_base_latent_avg.npy");
  }

  private static StyleGanModel toon() {
    return FormatCases.model("ros_toon_g.pt", "ros_toon_latent_avg.npy");
  }

  private static FormatCases.Case swapCase(String model) {
    return FormatCases.of("swap").filter(c -> c.spec().get("model").asText().equals(model)).findFirst().orElseThrow();
  }

  private static void assertGenerates(StyleGanModel model, FormatCases.Case c) {
    try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults())) {
      Tensor ws = g.mapping(c.array("z"), null, Truncation.of(c.psi()));
      assertThat(ws.maxAbsDifference(c.array("ws"))).isLessThanOrEqualTo(WS_TOLERANCE);
      assertThat(g.synthesis(ws, Noise.CONST).maxAbsDifference(c.array("img"))).isLessThanOrEqualTo(IMG_TOLERANCE);
    }
  }
}
