package dev.finetoon.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The argument handling only: a real run projects for 1000 steps (minutes even on the tiny models). */
class RealWorldApplicationTest {
  @Test
  void withoutArgumentsPrintsUsage() throws IOException {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      RealWorldApplication.main(new String[0]);
    } finally {
      System.setOut(original);
    }

    assertThat(captured.toString(StandardCharsets.UTF_8))
        .startsWith("usage: RealWorldApplication BASE TOON VGG PHOTO [OUTDIR]")
        .contains("top three blocks");
  }
}
