package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import dev.finetoon.fuzz.FuzzHarness;
import org.junit.jupiter.api.Test;

/** Mutants of legacy torch storage streams: read (and viewed as a tensor) or refused with ModelFormatException. */
class StorageStreamFuzzTest {
  @Test
  void everyMutantReadsOrIsRefused() {
    FuzzHarness.of("storage", ModelFormatException.class)
        .fuzz(
            FuzzHarness.corpus("storage"),
            bytes -> {
              TorchStorage storage = LegacyStorageReader.read(bytes);
              new TensorRef(storage, 0, new int[] {(int) storage.numel()}, new long[] {1}).toTensor("mutant");
            });
  }
}
