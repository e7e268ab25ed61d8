package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.ModelFormatException;
import dev.finetoon.fuzz.FuzzHarness;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mutants of {@code .npy} files (f4, f8, u1, i8; format versions 1.0 and 3.0), read as a file (length known) and as an
 * {@code .npz} entry (length unknown): read, or refused with {@link ModelFormatException}.
 */
class NpyFuzzTest {
  @Test
  void theSeedsRead() throws IOException {
    for (Map.Entry<String, byte[]> seed : FuzzHarness.corpus("npy").entrySet()) {
      byte[] bytes = seed.getValue();
      assertThat(NpyFile.read(new ByteArrayInputStream(bytes), seed.getKey(), bytes.length).size()).isPositive();
    }
  }

  @Test
  void everyMutantReadsOrIsRefusedAsAFile() {
    FuzzHarness.of("npy", ModelFormatException.class)
        .fuzz(
            FuzzHarness.corpus("npy"),
            bytes -> NpyFile.read(new ByteArrayInputStream(bytes), "mutant.npy", bytes.length).toTensor());
  }

  @Test
  void everyMutantReadsOrIsRefusedAsAStreamOfUnknownLength() {
    FuzzHarness.of("npy-stream", ModelFormatException.class)
        .fuzz(
            FuzzHarness.corpus("npy"),
            bytes -> NpyFile.read(new ByteArrayInputStream(bytes), "mutant.npy", -1).toTensor());
  }
}
