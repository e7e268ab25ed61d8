package dev.finetoon.seed;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses seed lists such as NVIDIA's {@code generate.py --seeds} takes: comma-separated items, each a seed or an
 * inclusive range {@code a-b}, in the order given (duplicates kept). Seeds are numpy seeds, {@code 0..2^32-1}.
 * stylegan2-ada-pytorch accepts either one range or a list of seeds; mixing both, as StyleGAN3 allows, works too.
 *
 * <pre>{@code
 * List<Long> seeds = SeedList.parse("0-2,12,100-101"); // [0, 1, 2, 12, 100, 101]
 * Tensor z = NumpyRandomState.latents(seeds, 512);
 * }</pre>
 */
public final class SeedList {
  /** The most seeds a list may expand to: a typo such as {@code 0-4000000000} fails instead of filling memory. */
  public static final int MAX_SEEDS = 1 << 20;

  private static final Pattern SEED = Pattern.compile("[0-9]+");
  private static final Pattern RANGE = Pattern.compile("([0-9]+)-([0-9]+)");
  private static final Pattern NEGATIVE = Pattern.compile("-[0-9]+");

  private SeedList() {}

  /** The seeds {@code text} lists, unmodifiable; throws {@link IllegalArgumentException} naming the first bad item. */
  public static List<Long> parse(String text) {
    checkNotNull(text, "seed list");
    ImmutableList.Builder<Long> seeds = ImmutableList.builder();
    long count = 0;
    for (String raw : text.split(",", -1)) {
      String item = raw.strip();
      Matcher range = RANGE.matcher(item);
      long first;
      long last;
      if (SEED.matcher(item).matches()) {
        first = seed(item, item);
        last = first;
      } else if (range.matches()) {
        first = seed(range.group(1), item);
        last = seed(range.group(2), item);
        if (first > last) {
          throw bad(item, "the range is empty: its start is above its end");
        }
      } else if (item.isEmpty()) {
        throw bad(raw, "empty item (two commas in a row, or a comma at an end)");
      } else if (NEGATIVE.matcher(item).matches()) {
        throw bad(item, "seeds cannot be negative");
      } else {
        throw bad(item, "expected a seed (e.g. 42) or an inclusive range (e.g. 0-7)");
      }
      count += last - first + 1;
      if (count > MAX_SEEDS) {
        throw bad(item, "the list would hold more than " + MAX_SEEDS + " seeds");
      }
      for (long s = first; s <= last; s++) {
        seeds.add(s);
      }
    }
    return seeds.build();
  }

  private static long seed(String digits, String item) {
    BigInteger value = new BigInteger(digits);
    if (value.bitLength() > 32) {
      throw bad(item, digits + " is above 2^32 - 1 = 4294967295, the largest numpy seed");
    }
    return value.longValue();
  }

  private static IllegalArgumentException bad(String item, String problem) {
    return new IllegalArgumentException("bad seed list item '" + item + "': " + problem);
  }
}
