package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LayerBlender} as the ONNX backend sees it: shared sessions, α semantics, refusals, files. */
class LayerBlendingTest {
  private static final StyleGanModel BASE = TinyModels.model(1);
  private static final StyleGanModel TOON = TinyModels.model(2);
  private static final List<Long> SEEDS = List.of(0L, 1L, 303L);

  @AfterAll
  static void nothingCompiledIsLeftBehind() {
    assertThat(CompiledGraphs.size()).isZero();
  }

  private static Tensor images(StyleGanModel model) {
    try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults())) {
      return g.generate(SEEDS, Truncation.of(0.7), Noise.CONST);
    }
  }

  @Test
  void blendsReuseTheSessionsOfTheirSources() {
    int start = CompiledGraphs.size();
    try (OnnxGenerator base = OnnxGenerator.open(BASE, SessionSettings.defaults());
        OnnxGenerator toon = OnnxGenerator.open(TOON, SessionSettings.defaults())) {
      assertThat(CompiledGraphs.size()).isEqualTo(start + 10); // mapping + 4 blocks each
      try (OnnxGenerator swapped =
              OnnxGenerator.open(LayerBlender.swap(BASE, TOON, 16, 32), SessionSettings.defaults());
          OnnxGenerator untouched =
              OnnxGenerator.open(LayerBlender.interpolate(BASE, TOON, Map.of(8, 0.0)), SessionSettings.defaults())) {
        assertThat(CompiledGraphs.size()).as("swap and α = 0 compile nothing").isEqualTo(start + 10);
        try (OnnxGenerator half = OnnxGenerator.open(
            LayerBlender.interpolate(BASE, TOON, Map.of(16, 1.0, 32, 0.5)), SessionSettings.defaults())) {
          assertThat(CompiledGraphs.size()).as("only the interpolated b32 is new").isEqualTo(start + 11);
          assertThat(half.generate(SEEDS, Truncation.of(0.7), Noise.CONST))
              .isNotEqualTo(swapped.generate(SEEDS, Truncation.of(0.7), Noise.CONST));
        }
        assertThat(CompiledGraphs.size()).isEqualTo(start + 10);
        assertThat(untouched.generate(SEEDS, Truncation.of(0.7), Noise.CONST))
            .isEqualTo(base.generate(SEEDS, Truncation.of(0.7), Noise.CONST));
      }
      assertThat(CompiledGraphs.size()).as("the sources still hold their sessions").isEqualTo(start + 10);
    }
    assertThat(CompiledGraphs.size()).isEqualTo(start);
  }

  @Test
  void alphaOneIsASwapAndAlphaZeroIsTheBase() {
    Tensor base = images(BASE);
    Tensor swapped = images(LayerBlender.swap(BASE, TOON, 16, 32));
    assertThat(swapped).isNotEqualTo(base);
    assertThat(images(LayerBlender.interpolate(BASE, TOON, Map.of(16, 1.0, 32, 1.0)))).isEqualTo(swapped);
    assertThat(images(LayerBlender.interpolate(BASE, TOON, Map.of(4, 0.0, 8, 0.0, 16, 0.0, 32, 0.0)))).isEqualTo(base);

    StyleGanModel half = LayerBlender.interpolate(BASE, TOON, Map.of(16, 0.5, 32, 0.5));
    Tensor between = images(half);
    assertThat(between).isNotEqualTo(base).isNotEqualTo(swapped);
    assertThat(between.maxAbsDifference(base)).isGreaterThan(1e-4f);
    assertThat(between.maxAbsDifference(swapped)).isGreaterThan(1e-4f);
    // Each interpolated tensor is the midpoint, every other one is the base's own object.
    half.tensors().forEach((name, t) -> {
      if (name.startsWith("synthesis.b16.") || name.startsWith("synthesis.b32.")) {
        float[] a = BASE.tensor(name).toArray();
        float[] b = TOON.tensor(name).toArray();
        float[] m = t.toArray();
        for (int i = 0; i < m.length; i++) {
          assertThat(m[i]).as(name).isCloseTo((a[i] + b[i]) / 2, within(1e-6f));
        }
      } else {
        assertThat(t).as(name).isSameAs(BASE.tensor(name));
      }
    });
  }

  @Test
  void incompatibleModelsAreRefusedNamingTheMismatch() {
    StyleGanModel narrowW = RandomModels.create(GeneratorConfig.builder(32, 16, 32).build(), 1);
    assertThatThrownBy(() -> LayerBlender.swap(BASE, narrowW, 32))
        .isInstanceOf(IncompatibleModelsException.class).hasMessageContaining("w_dim");

    GeneratorConfig c = TinyModels.config();
    StyleGanModel small = RandomModels.create(
        GeneratorConfig.builder(32, 32, 16).mapping(c.mapping()).synthesis(c.synthesis()).build(), 1);
    assertThatThrownBy(() -> LayerBlender.swap(BASE, small, 16))
        .isInstanceOf(IncompatibleModelsException.class).hasMessageContaining("img_resolution");

    // Channels 64/64/32/16 against 32/32/32/32: b32 itself differs.
    StyleGanModel wideTop = RandomModels.create(TinyModels.config(1024, 32, OptionalDouble.of(256)), 1);
    assertThatThrownBy(() -> LayerBlender.swap(BASE, wideTop, 32))
        .isInstanceOf(IncompatibleModelsException.class)
        .hasMessageContaining("synthesis.b32 channels")
        .hasMessageContaining("16")
        .hasMessageContaining("32");
    // Against 16/16/16/16: b32's own width matches but b16, which feeds it, differs.
    StyleGanModel narrow = RandomModels.create(TinyModels.config(512, 16, OptionalDouble.of(256)), 1);
    assertThatThrownBy(() -> LayerBlender.swap(BASE, narrow, 32))
        .isInstanceOf(IncompatibleModelsException.class).hasMessageContaining("synthesis.b32 input channels");

    StyleGanModel unclamped = RandomModels.create(TinyModels.config(512, 64, OptionalDouble.empty()), 1);
    assertThatThrownBy(() -> LayerBlender.swap(BASE, unclamped, 32))
        .isInstanceOf(IncompatibleModelsException.class).hasMessageContaining("conv_clamp");
  }

  @Test
  void blocksThatMatchBlendEvenWhereOtherBlocksDiffer() {
    // 32/32/32/16: b4 and b8 differ from the base's 64/64, b16 and b32 match.
    StyleGanModel donor = RandomModels.create(TinyModels.config(512, 32, OptionalDouble.of(256)), 5);
    StyleGanModel blend = LayerBlender.swap(BASE, donor, 32);
    assertThat(blend.tensor("synthesis.b32.conv0.weight")).isSameAs(donor.tensor("synthesis.b32.conv0.weight"));
    assertThat(images(blend)).isNotEqualTo(images(BASE));
  }

  @Test
  void unknownResolutionsAndBadAlphasAreRefused() {
    for (int r : new int[] {48, 64, 2}) {
      assertThatThrownBy(() -> LayerBlender.swap(BASE, TOON, 16, r))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("resolution " + r)
          .hasMessageContaining("[4, 8, 16, 32]");
    }
    for (double alpha : new double[] {-0.1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> LayerBlender.interpolate(BASE, TOON, Map.of(32, alpha)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[0, 1]");
    }
    assertThatThrownBy(() -> LayerBlender.swap(BASE, TOON)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one block");
  }

  @Test
  void aRecipeIsAValueThatBlendsLikeTheStaticCalls() {
    LayerBlender recipe = LayerBlender.swap(32, 16);
    assertThat(recipe.alphas()).containsExactly(Map.entry(16, 1.0), Map.entry(32, 1.0));
    assertThat(recipe).isEqualTo(LayerBlender.interpolate(Map.of(16, 1.0, 32, 1.0)));
    assertThat(recipe.blend(BASE, TOON).tensors()).isEqualTo(LayerBlender.swap(BASE, TOON, 16, 32).tensors());
    assertThat(images(recipe.blend(BASE, TOON))).isEqualTo(images(LayerBlender.swap(BASE, TOON, 16, 32)));
  }

  @Test
  void theNotebooksNegativeTakesTheNextLowerBlock() {
    assertThat(LayerBlender.swap(16, 32).withNextLowerBlock(BASE.config()).alphas().keySet())
        .containsExactly(8, 16, 32);
    assertThat(LayerBlender.interpolate(Map.of(8, 0.5)).withNextLowerBlock(BASE.config()).alphas())
        .containsExactly(Map.entry(4, 1.0), Map.entry(8, 0.5));
    assertThatThrownBy(() -> LayerBlender.swap(4, 8).withNextLowerBlock(BASE.config()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("block 4 is the lowest");
    assertThatThrownBy(() -> LayerBlender.swap(64).withNextLowerBlock(BASE.config()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[4, 8, 16, 32]");
  }

  @Test
  void savedBlendReloadsIdentically(@TempDir Path dir) throws Exception {
    StyleGanModel blend = LayerBlender.interpolate(BASE, TOON, Map.of(16, 1.0, 32, 0.25));
    Path file = dir.resolve("blend.safetensors");
    ModelFiles.write(blend, file);
    StyleGanModel reloaded = ModelFiles.read(file);

    assertThat(reloaded.config()).isEqualTo(blend.config());
    assertThat(reloaded.tensors()).containsExactlyEntriesOf(blend.tensors());
    assertThat(reloaded.provenance())
        .containsEntry("blend.base", "random(seed=1)")
        .containsEntry("blend.donor", "random(seed=2)")
        .containsEntry("blend.alpha", "16=1.0,32=0.25")
        .containsAllEntriesOf(blend.provenance());
    assertThat(images(reloaded)).isEqualTo(images(blend));
    assertThat(dir).isDirectoryContaining(p -> p.equals(file)).isDirectoryNotContaining(p -> !p.equals(file));
  }
}
