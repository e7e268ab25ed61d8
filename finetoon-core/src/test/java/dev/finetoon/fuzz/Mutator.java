package dev.finetoon.fuzz;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutation of corpus files: mutant {@code i} of a run with seed {@code s} depends on {@code (s, i)} and the
 * corpus alone, so any mutant can be rebuilt from the two numbers a failure reports. Each mutant starts from corpus
 * file {@code i % corpus.size()} and stacks one to eight of: bit flips, random bytes, "interesting" values (0, 0x7f,
 * 0x80, 0xff as bytes; 0x7fffffff, 0x80000000, 0xffffffff, 2^30, 2^40, -1 and the above as little-endian 4- and 8-byte
 * integers), a run of ASCII digits replaced by an interesting decimal (for text headers), chunk deletion, duplication
 * and insertion, truncation, and splicing with another corpus file. A mutant never grows past twice its file plus
 * 4 KiB, so that the cost of a parse stays that of a small file.
 */
public final class Mutator {
  private static final long[] INTERESTING = {
    0, 0x7f, 0x80, 0xff, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 1L << 30, 1L << 40, -1
  };
  private static final String[] INTERESTING_DECIMALS = {
    "0", "-1", "1", "255", "65536", "1073741824", "2147483647", "2147483648", "4294967296", "1099511627776",
    "9223372036854775807", "99999999999999999999", "1e309", "0.5", "NaN"
  };
  private static final int OPERATIONS = 10;

  private final List<byte[]> corpus;

  public Mutator(List<byte[]> corpus) {
    checkArgument(!corpus.isEmpty(), "the corpus is empty");
    this.corpus = corpus;
  }

  /** The corpus file mutant {@code iteration} starts from. */
  public int fileOf(int iteration) {
    return iteration % corpus.size();
  }

  /** Mutant {@code iteration} of the run with {@code seed}. */
  public byte[] mutant(long seed, int iteration) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + iteration);
    byte[] original = corpus.get(fileOf(iteration));
    int limit = 2 * original.length + 4096;
    byte[] data = original;
    int steps = 1 + (random.nextInt(4) == 0 ? random.nextInt(8) : random.nextInt(2));
    for (int i = 0; i < steps; i++) {
      data = mutate(data, random);
      if (data.length > limit) {
        data = Arrays.copyOf(data, limit);
      }
    }
    return data;
  }

  private byte[] mutate(byte[] in, SplittableRandom random) {
    if (in.length == 0) {
      return randomBytes(random, 1 + random.nextInt(16));
    }
    byte[] out = in.clone();
    int at = random.nextInt(in.length);
    switch (random.nextInt(OPERATIONS)) {
      case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
      case 1 -> out[at] = (byte) random.nextInt(256);
      case 2 -> {
        long value = INTERESTING[random.nextInt(INTERESTING.length)];
        int width = new int[] {1, 4, 8}[random.nextInt(3)];
        for (int b = 0; b < width && at + b < out.length; b++) {
          out[at + b] = (byte) (value >>> (8 * b));
        }
      }
      case 3 -> {
        return replaceDigits(in, random);
      }
      case 4 -> {
        int length = chunk(random, in.length - at);
        return concat(Arrays.copyOf(in, at), Arrays.copyOfRange(in, at + length, in.length));
      }
      case 5 -> {
        int length = chunk(random, in.length - at);
        int to = random.nextInt(in.length + 1);
        return insert(in, to, Arrays.copyOfRange(in, at, at + length));
      }
      case 6 -> {
        byte[] inserted = random.nextBoolean() ? randomBytes(random, 1 + random.nextInt(32)) : repeated(random);
        return insert(in, at, inserted);
      }
      case 7 -> {
        return Arrays.copyOf(in, at);
      }
      case 8 -> {
        byte[] other = corpus.get(random.nextInt(corpus.size()));
        int from = random.nextInt(other.length + 1);
        return concat(Arrays.copyOf(in, at), Arrays.copyOfRange(other, from, other.length));
      }
      default -> {
        byte[] other = corpus.get(random.nextInt(corpus.size()));
        int from = random.nextInt(other.length + 1);
        return insert(in, at, Arrays.copyOfRange(other, from, from + chunk(random, other.length - from)));
      }
    }
    return out;
  }

  /** One run of ASCII digits, chosen at random, replaced by an interesting decimal; the input as is if it has none. */
  private static byte[] replaceDigits(byte[] in, SplittableRandom random) {
    int start = -1;
    int runs = 0;
    int chosen = -1;
    int chosenEnd = -1;
    for (int i = 0; i <= in.length; i++) {
      boolean digit = i < in.length && in[i] >= '0' && in[i] <= '9';
      if (digit && start < 0) {
        start = i;
      } else if (!digit && start >= 0) {
        // Reservoir sampling: each run is chosen with equal probability in one pass.
        if (random.nextInt(++runs) == 0) {
          chosen = start;
          chosenEnd = i;
        }
        start = -1;
      }
    }
    if (chosen < 0) {
      return in;
    }
    String number = INTERESTING_DECIMALS[random.nextInt(INTERESTING_DECIMALS.length)];
    byte[] digits = number.getBytes(StandardCharsets.US_ASCII);
    return concat(Arrays.copyOf(in, chosen), digits, Arrays.copyOfRange(in, chosenEnd, in.length));
  }

  /** A chunk length, mostly short: at most {@code available}, at least 1 where anything is available. */
  private static int chunk(SplittableRandom random, int available) {
    if (available <= 0) {
      return 0;
    }
    int cap = random.nextInt(4) == 0 ? available : Math.min(available, 16);
    return 1 + random.nextInt(cap);
  }

  private static byte[] randomBytes(SplittableRandom random, int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  /** Up to 64 copies of 0, 0x7f, 0x80 or 0xff. */
  private static byte[] repeated(SplittableRandom random) {
    byte[] bytes = new byte[1 + random.nextInt(64)];
    Arrays.fill(bytes, (byte) INTERESTING[random.nextInt(4)]);
    return bytes;
  }

  private static byte[] insert(byte[] in, int at, byte[] inserted) {
    return concat(Arrays.copyOf(in, at), inserted, Arrays.copyOfRange(in, at, in.length));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
