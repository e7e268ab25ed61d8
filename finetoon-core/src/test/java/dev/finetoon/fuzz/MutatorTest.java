package dev.finetoon.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mutants are reproducible from (seed, iteration), vary, and stay small. */
class MutatorTest {
  private final List<byte[]> corpus =
      List.of("{\"shape\": [2, 3], \"offsets\": [0, 24]}".getBytes(StandardCharsets.US_ASCII), new byte[100]);

  @Test
  void aMutantDependsOnlyOnTheSeedTheIterationAndTheCorpus() {
    Mutator mutator = new Mutator(corpus);
    Mutator again = new Mutator(List.copyOf(corpus));

    for (int i = 0; i < 500; i++) {
      assertThat(again.mutant(7, i)).isEqualTo(mutator.mutant(7, i));
    }
    assertThat(mutator.fileOf(3)).isEqualTo(1);
  }

  @Test
  void mutantsDifferFromTheirFileAndFromEachOtherAndStaySmall() {
    Mutator mutator = new Mutator(corpus);
    Set<String> distinct = new HashSet<>();
    int unchanged = 0;
    for (int i = 0; i < 1000; i++) {
      byte[] mutant = mutator.mutant(7, i);
      distinct.add(new String(mutant, StandardCharsets.ISO_8859_1));
      unchanged += Arrays.equals(mutant, corpus.get(mutator.fileOf(i))) ? 1 : 0;
      assertThat(mutant.length).isLessThanOrEqualTo(2 * corpus.get(mutator.fileOf(i)).length + 4096);
    }
    assertThat(distinct).hasSizeGreaterThan(800);
    assertThat(unchanged).isLessThan(50);
    assertThat(mutator.mutant(8, 0)).isNotEqualTo(mutator.mutant(7, 0));
  }
}
