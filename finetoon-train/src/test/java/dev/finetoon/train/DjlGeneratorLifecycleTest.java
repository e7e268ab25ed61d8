package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Weights round-trip exactly; calls leave nothing behind; closing frees every array. */
class DjlGeneratorLifecycleTest {
  @Test
  void toModelOfAFreshGeneratorIsTheInputModel() {
    StyleGanModel model = ReferenceCases.model("toon");
    try (DjlGenerator g = DjlGenerator.create(model)) {
      StyleGanModel back = g.toModel();
      assertThat(back.config()).isEqualTo(model.config());
      assertThat(back.provenance()).isEqualTo(model.provenance());
      assertThat(back.tensors()).containsExactlyEntriesOf(model.tensors());
    }
  }

  @Test
  void toModelSeesInPlaceUpdates() {
    StyleGanModel model = ReferenceCases.model("base");
    try (DjlGenerator g = DjlGenerator.create(model)) {
      g.tensor("synthesis.b4.const").addi(1f);
      Tensor before = model.tensor("synthesis.b4.const");
      Tensor after = g.toModel().tensor("synthesis.b4.const");
      assertThat(after.get(0, 0, 0)).isEqualTo(before.get(0, 0, 0) + 1f);
      assertThat(g.toModel().tensor("mapping.fc0.weight")).isEqualTo(model.tensor("mapping.fc0.weight"));
    }
  }

  @Test
  void callsLeaveOnlyTheirResultsBehind() {
    try (DjlGenerator g = DjlGenerator.create(ReferenceCases.model("base"));
        NDManager caller = NDManager.newBaseManager("PyTorch")) {
      int owned = g.manager().getManagedArrays().size();
      NDArray z = DjlTensors.toNDArray(caller, NumpyRandomState.latents(List.of(0L, 1L), g.config().zDim()));
      g.setTraining(true);
      try (GradientCollector collector = caller.getEngine().newGradientCollector()) {
        NDArray ws = g.mapping(z, null, Truncation.of(0.7));
        NDArray img = g.synthesis(ws, Noise.random(3));
        assertThat(caller.getManagedArrays()).containsExactlyInAnyOrder(z, ws, img);
        collector.backward(img.mean());
      }
      assertThat(g.manager().getManagedArrays()).hasSize(owned);
      assertThat(z.getManager()).isSameAs(caller);
    }
  }

  @Test
  void closingFreesEveryArray() {
    StyleGanModel model = ReferenceCases.model("base");
    DjlGenerator g = DjlGenerator.create(model);
    Map<String, NDArray> arrays = model.tensors().keySet().stream().collect(Collectors.toMap(n -> n, g::tensor));
    g.close();
    assertThat(g.manager().isOpen()).isFalse();
    assertThat(arrays.values()).allMatch(NDArray::isReleased);
    assertThatThrownBy(g::toModel).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    g.close();
  }
}
