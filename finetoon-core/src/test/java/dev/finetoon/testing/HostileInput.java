package dev.finetoon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.function.Executable;

/**
 * The promise for a hostile input: a typed exception whose message is one line of bounded length. The tests that use
 * this run with a 256 MB heap (the {@code *BudgetTest} execution of finetoon-core), so a memory bomb fails them with
 * an {@code OutOfMemoryError}; a time limit of {@value #HANG_GUARD_SECONDS} s only guards against hangs, and the
 * measured time is printed ({@code hostile input ...: refused in N ms}) for docs/security.md.
 */
public final class HostileInput {
  private static final long HANG_GUARD_SECONDS = 20;
  private static final int MAX_MESSAGE_CHARS = 600;
  private static final long MAX_HEAP = 256L << 20;

  private HostileInput() {}

  /**
   * Runs {@code reading}, which must throw {@code type}; returns what it threw. Skipped in a JVM with a heap over
   * 256 MB (a {@code -Dtest=} run also reaches the default execution, whose heap would hide a memory bomb).
   */
  public static <T extends Throwable> T refused(String input, Class<T> type, Executable reading) {
    assumeTrue(Runtime.getRuntime().maxMemory() <= MAX_HEAP, "skipped: hostile inputs run with -Xmx256m only");
    long start = System.nanoTime();
    Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(HANG_GUARD_SECONDS), () -> {
      try {
        reading.execute();
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("hostile input " + input + ": refused in " + millis + " ms");
    assertThat(thrown).as(input).isInstanceOf(type);
    assertThat(thrown.getMessage()).as(input).hasSizeLessThanOrEqualTo(MAX_MESSAGE_CHARS).doesNotContain("\n");
    return type.cast(thrown);
  }

  /** A protocol-2 pickle: PROTO 2 and then {@code opcodes} as written, one char per byte (for hand-made exploits). */
  public static byte[] protocol2(String opcodes) {
    byte[] out = new byte[opcodes.length() + 2];
    out[0] = (byte) 0x80;
    out[1] = 2;
    for (int i = 0; i < opcodes.length(); i++) {
      out[i + 2] = (byte) opcodes.charAt(i);
    }
    return out;
  }
}
