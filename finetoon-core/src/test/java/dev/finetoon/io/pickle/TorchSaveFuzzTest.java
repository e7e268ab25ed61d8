package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import dev.finetoon.fuzz.FuzzHarness;
import dev.finetoon.io.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutants of tiny rosinality checkpoints (a torch.save zip archive, a legacy stream, a {@code {"g"}} file): the reader
 * builds a model or refuses the file with a {@link ModelFormatException}, and the scanner always reports; see
 * {@link FuzzHarness} for the rules on time and memory.
 */
class TorchSaveFuzzTest {
  @TempDir Path dir;

  @Test
  void theReaderReadsOrRefusesEveryMutant() {
    FuzzHarness.of("torchsave", ModelFormatException.class)
        .fuzz(FuzzHarness.corpus("torchsave"), bytes -> ModelFiles.read(Files.write(dir.resolve("mutant.pt"), bytes)));
  }

  @Test
  void theScannerReportsOnEveryMutant() {
    FuzzHarness.of("torchsave-scan")
        .fuzz(FuzzHarness.corpus("torchsave"), bytes -> PickleScan.of(Files.write(dir.resolve("mutant.pt"), bytes)));
  }
}
