package dev.finetoon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.LayerBlender;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainWithTripletLossTest {
  @TempDir Path dir;

  @Test
  void fineTunesTheNotebookBlendOfTheTinyModels() throws IOException {
    Path human = ReferenceData.tiny("tiny_base.pkl");
    Path toon = ReferenceData.tiny("tiny_toon.pkl");
    Path out = dir.resolve("tuned.safetensors");

    TrainWithTripletLoss.main(new String[] {
      human.toString(), toon.toString(), out.toString(), ReferenceData.tiny("tiny_encoder.pt").toString()});

    StyleGanModel blend = LayerBlender.swap(ModelFiles.read(human), ModelFiles.read(toon), 8, 16, 32);
    StyleGanModel tuned = ModelFiles.read(out);
    assertThat(tuned.tensors().keySet()).isEqualTo(blend.tensors().keySet());
    assertThat(tuned.tensor("synthesis.b8.conv0.weight")).isNotEqualTo(blend.tensor("synthesis.b8.conv0.weight"));
    assertThat(dir.resolve("preview-epoch1-seed28.png")).isRegularFile();
  }
}
