package dev.finetoon.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaPickleWriterTest {
  @TempDir Path dir;

  @Test
  void toonWeightsInTheBaseSnapshotReadBackBitForBitWithTheTemplatesStructure() throws IOException {
    Path template = ReferenceData.tiny("tiny_base.pkl");
    StyleGanModel toon = NvidiaPickleReader.read(ReferenceData.tiny("tiny_toon.pkl"));
    Path out = dir.resolve("toon.pkl");

    NvidiaPickleWriter.write(toon, template, out);

    StyleGanModel written = NvidiaPickleReader.read(out);
    assertThat(written.tensors()).isEqualTo(toon.tensors());
    assertThat(written.config()).isEqualTo(NvidiaPickleReader.read(template).config());
    assertThat(written.provenance()).containsEntry("format", "nvidia-snapshot");
    byte[] outBytes = Files.readAllBytes(out);
    byte[] templateBytes = Files.readAllBytes(template);
    assertThat(outBytes).hasSameSizeAs(templateBytes).isNotEqualTo(templateBytes);
    Map<?, ?> snapshot = (Map<?, ?>) NvidiaPickleReader.unpickle(outBytes, "out", PickleGlobals.forModelFiles());
    Map<?, ?> original = (Map<?, ?>) NvidiaPickleReader.unpickle(templateBytes, "in", PickleGlobals.forModelFiles());
    assertThat(snapshot.keySet()).isEqualTo(original.keySet());
    PersistentModule g = (PersistentModule) snapshot.get("G");
    PersistentModule templateEma = (PersistentModule) original.get("G_ema");
    assertThat(g.moduleSource()).isEqualTo(templateEma.moduleSource()).contains("class Generator");
    Map<String, TensorRef> trainingCopy = NvidiaPickleReader.tensorRefs(g, outBytes.length);
    assertThat(trainingCopy.get("synthesis.b32.conv1.weight").toTensor("G"))
        .isEqualTo(toon.tensor("synthesis.b32.conv1.weight"));
  }

  @Test
  void aBareGeneratorTemplateStaysABareGenerator() throws IOException {
    StyleGanModel base = NvidiaPickleReader.read(ReferenceData.tiny("tiny_base.pkl"));
    Path out = dir.resolve("base.pkl");

    NvidiaPickleWriter.write(base, ReferenceData.tiny("tiny_toon.pkl"), out);

    StyleGanModel written = NvidiaPickleReader.read(out);
    assertThat(written.tensors()).isEqualTo(base.tensors());
    assertThat(written.provenance()).containsEntry("format", "nvidia-generator");
  }

  @Test
  void refusesATemplateOfAnotherArchitectureAndWritesNothing() throws IOException {
    GeneratorConfig tiny = NvidiaPickleReader.read(ReferenceData.tiny("tiny_base.pkl")).config();
    SynthesisConfig s = tiny.synthesis();
    GeneratorConfig wider = GeneratorConfig.builder(tiny.zDim(), tiny.wDim(), tiny.imgResolution())
        .mapping(tiny.mapping())
        .synthesis(new SynthesisConfig(s.channelBase() * 2, s.channelMax(), s.numFp16Res(), s.convClamp(),
            s.architecture(), s.resampleFilter(), s.useNoise()))
        .build();
    Path out = dir.resolve("wider.pkl");

    assertThatThrownBy(() -> NvidiaPickleWriter.write(RandomModels.create(wider, 3), ReferenceData.tiny(
            "tiny_base.pkl"), out))
        .isInstanceOf(IncompatibleModelsException.class)
        .hasMessageContaining("tiny_base.pkl has another architecture")
        .hasMessageContaining("channel_base 1024 (template 512)");
    assertThat(out).doesNotExist();
    assertThat(dir).isEmptyDirectory();
  }
}
