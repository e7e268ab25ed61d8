package dev.finetoon.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.fuzz.CorpusSeeds;
import dev.finetoon.fuzz.FuzzHarness;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pickle seeds of the fuzz corpus are complete NVIDIA generators: the writer's output, read back exactly. */
class GeneratorPickleWriterTest {
  @ParameterizedTest
  @ValueSource(strings = {"generator-p2.pkl", "generator-p3.pkl", "generator-p4.pkl", "snapshot-p3.pkl"})
  void theCommittedSeedIsTheWritersOutputAndReadsAsTheModelItWasWrittenFrom(String name) throws IOException {
    byte[] committed = FuzzHarness.corpus("pickle").get(name);

    StyleGanModel model = NvidiaPickleReader.read(committed, name);
    PickleScan scan = PickleScan.of(committed, name);

    assertThat(committed).isEqualTo(CorpusSeeds.generate("pickle").get(name));
    assertThat(model.config()).isEqualTo(CorpusSeeds.tinyConfig());
    assertThat(model.tensors()).isEqualTo(CorpusSeeds.tinyModel(1).tensors());
    assertThat(model.provenance())
        .containsEntry("format", name.startsWith("snapshot") ? "nvidia-snapshot" : "nvidia-generator");
    assertThat(scan.error()).isEmpty();
    assertThat(scan.globals()).allMatch(g -> g.verdict() == PickleScan.Verdict.KNOWN);
    assertThat(scan.isDangerous()).isFalse();
  }
}
