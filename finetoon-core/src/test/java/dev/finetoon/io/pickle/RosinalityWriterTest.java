package dev.finetoon.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RosinalityWriterTest {
  @TempDir Path dir;

  @Test
  void writesTorchSavesZipLayoutWithOneStoragePerTensor() throws IOException {
    StyleGanModel base = NvidiaPickleReader.read(ReferenceData.tiny("tiny_base.pkl"));
    Path out = dir.resolve("tiny-ros.pt");

    RosinalityWriter.write(base, out);

    try (ZipFile zip = new ZipFile(out.toFile())) {
      List<String> names = zip.stream().map(ZipEntry::getName).toList();
      assertThat(names).allMatch(n -> n.startsWith("tiny-ros/"));
      assertThat(names.get(0)).isEqualTo("tiny-ros/data.pkl");
      assertThat(names.get(names.size() - 1)).isEqualTo("tiny-ros/version");
      assertThat(zip.getInputStream(zip.getEntry("tiny-ros/version")).readAllBytes())
          .isEqualTo("3\n".getBytes(StandardCharsets.US_ASCII));
      List<String> storages = names.subList(1, names.size() - 1);
      List<String> sorted = new ArrayList<>(storages);
      Collections.sort(sorted);
      assertThat(storages).isEqualTo(sorted).contains("tiny-ros/data/10");
      // The state dict has the model's tensors less the NVIDIA-only filter buffers, plus rosinality's blur kernels.
      assertThat(storages).hasSize(RosinalityStateDict.of(base).size() + 1);
      assertThat(zip.stream()).allMatch(e -> e.getMethod() == ZipEntry.STORED);
      // Storage keys follow the state dict: style.1.weight first, latent_avg last.
      assertThat(zip.getInputStream(zip.getEntry("tiny-ros/data/0")).readAllBytes())
          .isEqualTo(base.tensor("mapping.fc0.weight").toLittleEndianBytes());
      String last = "tiny-ros/data/" + (storages.size() - 1);
      assertThat(zip.getInputStream(zip.getEntry(last)).readAllBytes())
          .isEqualTo(base.tensor(LayerPlan.W_AVG).toLittleEndianBytes());
    }
  }

  @Test
  void readsBackBitForBitThroughTheRosinalityReader() throws IOException {
    StyleGanModel base = NvidiaPickleReader.read(ReferenceData.tiny("tiny_base.pkl"));
    Path out = dir.resolve("tiny-ros.pt");

    RosinalityWriter.write(base, out);

    StyleGanModel back = RosinalityReader.read(out);
    assertThat(back.tensors()).isEqualTo(base.tensors());
    assertThat(back.provenance()).containsEntry("format", "rosinality").containsEntry("checkpoint_key", "g_ema")
        .containsEntry("w_avg", "the file's latent_avg");
    // rosinality has no activation clamp: the one setting the round trip drops.
    assertThat(back.config().synthesis().convClamp()).isEmpty();
    assertThat(back.config().mapping().numLayers()).isEqualTo(base.config().mapping().numLayers());
    assertThat(back.config().blockResolutions()).isEqualTo(base.config().blockResolutions());
    for (int r : base.config().blockResolutions()) {
      assertThat(back.config().channels(r)).isEqualTo(base.config().channels(r));
    }
  }

  @Test
  void aRosinalityFileWrittenBackEqualsTheOriginalState() throws IOException {
    StyleGanModel original = RosinalityReader.read(ReferenceData.formats("ros_g_ema.pt"));
    Path out = dir.resolve("again.pt");

    RosinalityWriter.write(original, out);

    assertThat(RosinalityReader.read(out).tensors()).isEqualTo(original.tensors());
    assertThat(RosinalityReader.read(out).config()).isEqualTo(original.config());
  }

  @Test
  void namesTheStockGeneratorCallForConfigF() {
    GeneratorConfig f1024 = GeneratorConfig.builder(512, 512, 1024).build();
    GeneratorConfig paper256 = GeneratorConfig.builder(512, 512, 256)
        .synthesis(new dev.finetoon.model.SynthesisConfig(16384, 512, 0, java.util.OptionalDouble.empty(), "skip",
            List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();

    assertThat(RosinalityWriter.generatorCall(f1024)).isEqualTo("Generator(1024, 512, 8, channel_multiplier=2)");
    assertThat(RosinalityWriter.generatorCall(paper256)).isEqualTo("Generator(256, 512, 8, channel_multiplier=1)");
  }

  @Test
  void refusesWhatRosinalitysGeneratorCannotHoldAndWritesNothing() {
    GeneratorConfig zNotW = GeneratorConfig.builder(24, 32, 16).build();
    Path out = dir.resolve("x.pt");

    assertThatThrownBy(() -> RosinalityWriter.write(RandomModels.create(zNotW, 1), out))
        .isInstanceOf(IncompatibleModelsException.class)
        .hasMessageContaining("style_dim is z_dim, w_dim and the mapping width")
        .hasMessageContaining("24, 32 and 32");
    assertThat(out).doesNotExist();
  }
}
