package dev.finetoon.examples;

import dev.finetoon.model.GeneratorConfig;
import java.util.List;

/**
 * Which blocks the Fine-Tooning notebooks swap: {@code b64, b128, b256} of a 256-pixel model, its top three (the
 * triplet fine-tune's negative, one block more, is {@link dev.finetoon.LayerBlender#withNextLowerBlock}).
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
}
