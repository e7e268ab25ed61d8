package dev.finetoon.examples;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.model.GeneratorConfig;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which blocks the Fine-Tooning notebooks swap: {@code b64, b128, b256} of a 256-pixel model, its top three; the
 * triplet fine-tune's negative takes one block more from the toon model.
 */
public final class NotebookBlend {
  private NotebookBlend() {}

  /** The resolutions of the three highest synthesis blocks (all blocks but b4 in models under 32 pixels). */
  public static int[] topThreeBlocks(GeneratorConfig config) {
    List<Integer> all = config.blockResolutions();
    return all.subList(Math.max(1, all.size() - 3), all.size()).stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code blocks} where given (a {@code --blocks} option), else the notebook's {@link #topThreeBlocks}. */
  public static int[] givenOrTopThree(GeneratorConfig config, List<Integer> blocks) {
    return blocks != null ? blocks.stream().mapToInt(Integer::intValue).toArray() : topThreeBlocks(config);
  }

  /** The notebook's negative: {@code blocks} plus the next lower block, e.g. 32, 64, 128, 256 for 64, 128, 256. */
  public static int[] withNextLowerBlock(GeneratorConfig config, int... blocks) {
    List<Integer> all = config.blockResolutions();
    int lowest = Arrays.stream(blocks).min().orElseThrow(() -> new IllegalArgumentException("no blocks given"));
    int index = all.indexOf(lowest);
    checkArgument(index >= 0, "no synthesis block at resolution %s; this model has %s", lowest, all);
    checkArgument(index > 0,
        "block %s is the lowest: there is no lower block to add to the negative; name the negative's blocks", lowest);
    return IntStream.concat(IntStream.of(all.get(index - 1)), Arrays.stream(blocks)).sorted().distinct().toArray();
  }
}
