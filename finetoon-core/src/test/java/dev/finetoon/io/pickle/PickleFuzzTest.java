package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import dev.finetoon.fuzz.FuzzHarness;
import org.junit.jupiter.api.Test;

/**
 * Mutants of complete NVIDIA pickles (bare Generators in protocols 3 and 4, an ADA snapshot): the reader builds a
 * model or refuses the file with a {@link ModelFormatException}, and the scanner always reports; see
 * {@link FuzzHarness} for the rules on time and memory.
 */
class PickleFuzzTest {
  @Test
  void theReaderReadsOrRefusesEveryMutant() {
    FuzzHarness.of("pickle", ModelFormatException.class)
        .fuzz(FuzzHarness.corpus("pickle"), bytes -> NvidiaPickleReader.read(bytes, "mutant.pkl"));
  }

  @Test
  void theScannerReportsOnEveryMutant() {
    FuzzHarness.of("pickle-scan").fuzz(FuzzHarness.corpus("pickle"), bytes -> PickleScan.of(bytes, "mutant.pkl"));
  }
}
