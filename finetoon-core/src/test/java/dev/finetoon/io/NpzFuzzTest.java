package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.ModelFormatException;
import dev.finetoon.fuzz.FuzzHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutants of {@code .npz} archives (stored and deflated, finetoon's and numpy's): read, or refused. */
class NpzFuzzTest {
  @TempDir Path dir;

  @Test
  void theSeedsRead() throws IOException {
    Path file = dir.resolve("seed.npz");
    for (Map.Entry<String, byte[]> seed : FuzzHarness.corpus("npz").entrySet()) {
      Files.write(file, seed.getValue());
      assertThat(NpzFile.read(file)).as(seed.getKey()).isNotEmpty();
    }
  }

  @Test
  void everyMutantReadsOrIsRefused() {
    FuzzHarness.of("npz", ModelFormatException.class)
        .fuzz(
            FuzzHarness.corpus("npz"),
            // A fresh file for each mutant, removed with the folder: rewriting or deleting each at once is slow.
            bytes -> NpzFile.read(Files.write(Files.createTempFile(dir, "mutant", ".npz"), bytes)).values()
                .forEach(NpyArray::toTensor));
  }
}
