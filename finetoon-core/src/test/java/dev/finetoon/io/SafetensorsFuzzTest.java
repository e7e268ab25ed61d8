package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.ModelFormatException;
import dev.finetoon.fuzz.CorpusSeeds;
import dev.finetoon.fuzz.FuzzHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutants of safetensors files (a finetoon generator file, a plain file, one of F16/BF16/F64): parsed in memory and
 * read as a model from disk; each read, or refused with {@link ModelFormatException}.
 */
class SafetensorsFuzzTest {
  @TempDir Path dir;

  @Test
  void theSeedsRead() throws IOException {
    for (Map.Entry<String, byte[]> seed : FuzzHarness.corpus("safetensors").entrySet()) {
      assertThat(SafetensorsFile.read(seed.getValue()).tensors()).as(seed.getKey()).isNotEmpty();
    }
    Path model = dir.resolve("model.safetensors");
    Files.write(model, FuzzHarness.corpus("safetensors").get("model.safetensors"));
    assertThat(ModelFiles.read(model).tensors()).isEqualTo(CorpusSeeds.tinyModel(1).tensors());
  }

  @Test
  void everyMutantParsesOrIsRefused() {
    FuzzHarness.of("safetensors", ModelFormatException.class)
        .fuzz(FuzzHarness.corpus("safetensors"), SafetensorsFile::read);
  }

  @Test
  void everyMutantReadsAsAModelOrIsRefused() {
    FuzzHarness.of("safetensors-model", ModelFormatException.class)
        .fuzz(
            FuzzHarness.corpus("safetensors"),
            // A fresh file for each mutant, removed with the folder: rewriting or deleting each at once is slow.
            bytes -> ModelFiles.read(Files.write(Files.createTempFile(dir, "mutant", ".safetensors"), bytes)));
  }
}
