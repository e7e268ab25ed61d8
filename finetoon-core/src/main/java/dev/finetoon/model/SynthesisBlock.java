package dev.finetoon.model;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One synthesis block of the {@code skip} architecture: {@code b4} starts from a learned constant and has one conv;
 * larger blocks up-sample with {@code conv0}, refine with {@code conv1}, and add their {@code torgb} output to the
 * up-sampled RGB skip image.
 *
 * @param firstWIndex the first w this block reads; it reads {@code numConv + 1} consecutive ws, and its torgb shares
 *     its w with the next block's conv0
 */
public record SynthesisBlock(
    int resolution,
    int inChannels,
    int outChannels,
    int firstWIndex,
    Optional<ModulatedConv> conv0,
    ModulatedConv conv1,
    ModulatedConv torgb) {

  /** The PyTorch module name, e.g. {@code synthesis.b64}. */
  public String name() {
    return "synthesis.b" + resolution;
  }

  /** The learned input of {@code b4} ({@code [C, 4, 4]}). */
  public String constant() {
    return name() + ".const";
  }

  public boolean isFirst() {
    return conv0.isEmpty();
  }

  /** The convolutions in execution order: conv0 (if any), conv1, torgb. */
  public List<ModulatedConv> layers() {
    return Stream.concat(conv0.stream(), Stream.of(conv1, torgb)).toList();
  }

  /** The 3×3 convolutions in execution order: conv0 (if any), conv1. */
  public List<ModulatedConv> convs() {
    return Stream.concat(conv0.stream(), Stream.of(conv1)).toList();
  }

  /** How many consecutive ws the block reads. */
  public int numWs() {
    return layers().size();
  }
}
