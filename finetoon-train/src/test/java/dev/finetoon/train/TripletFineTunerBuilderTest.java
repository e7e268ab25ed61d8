package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.Device;
import dev.finetoon.FaceEncoder;
import dev.finetoon.LayerBlender;
import dev.finetoon.Tensor;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tune session's builder: the notebook's defaults, and what it refuses before training starts. */
class TripletFineTunerBuilderTest {
  @TempDir Path dir;

  private static FineTuneOptions twoSteps() {
    return FineTuneOptions.builder().seeds(List.of(0L, 1L)).noise(dev.finetoon.NoiseMode.CONST, 0).build();
  }

  @Test
  void theDefaultNegativeIsTheNotebooksAndEqualsSpellingItOut() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    StyleGanModel toon = ReferenceCases.model("toon");
    try (TorchScriptFaceEncoder encoder = TorchScriptFaceEncoder.load(ReferenceData.tiny("tiny_encoder.pt"))) {
      TripletFineTuner.Result defaults;
      try (TripletFineTuner tuner = TripletFineTuner.builder().base(base).donor(toon).blocks(16, 32).encoder(encoder)
          .options(twoSteps()).device(Device.cpu()).build()) {
        defaults = tuner.run(FineTuneListener.NONE);
      }
      TripletFineTuner.Result spelled;
      try (TripletFineTuner tuner = FineTuneSessions.create(LayerBlender.swap(base, toon, 16, 32), base,
          LayerBlender.swap(base, toon, 8, 16, 32), encoder, twoSteps())) {
        spelled = tuner.run(FineTuneListener.NONE);
      }
      assertThat(defaults.steps()).isEqualTo(2);
      assertThat(defaults.model().tensors()).isEqualTo(spelled.model().tensors());
    }
  }

  @Test
  void aListenerThatReturnsFalseStopsTheRun() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    try (TorchScriptFaceEncoder encoder = TorchScriptFaceEncoder.load(ReferenceData.tiny("tiny_encoder.pt"));
        TripletFineTuner tuner = TripletFineTuner.builder().base(base).donor(ReferenceCases.model("toon"))
            .blocks(32).encoder(encoder).options(twoSteps()).device(Device.cpu()).build()) {
      TripletFineTuner.Result result = tuner.run(step -> false);
      assertThat(result.cancelled()).isTrue();
      assertThat(result.steps()).isEqualTo(1);
    }
  }

  @Test
  void whatCannotTrainIsRefusedWhenTheSessionIsBuilt() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    StyleGanModel toon = ReferenceCases.model("toon");
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    assertThatThrownBy(() -> TripletFineTuner.builder().base(base).donor(toon).blocks(32).resumeFrom(file).build())
        .isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> TripletFineTuner.builder().base(base).blocks(32).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the anchor");
    assertThatThrownBy(() -> TripletFineTuner.builder().base(base).donor(toon).blocks(4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("block 4 is the lowest");
    FaceEncoder notDifferentiable = new FaceEncoder() {
      @Override
      public Tensor embed(Tensor images) {
        return images;
      }

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> TripletFineTuner.builder().base(base).donor(toon).blocks(32).encoder(notDifferentiable)
        .options(twoSteps()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gradients flow through");
  }
}
