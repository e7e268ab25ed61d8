package dev.finetoon.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** What the layer plan refuses, found by ExportFuzzTest: configurations no backend runs correctly, or at all. */
class LayerPlanTest {
  @Test
  void theLargestResolutionHasItsBlocksInsteadOfLoopingForever() {
    // Doubling 2^30 in an int wrapped around to a negative number, then to 0: blockResolutions() never returned.
    // Resolutions are now bounded (GeneratorConfig.MAX_RESOLUTION; see PickleMessagesTest for 2^30).
    GeneratorConfig config = GeneratorConfig.builder(4, 4, GeneratorConfig.MAX_RESOLUTION).build();

    List<Integer> blocks = assertTimeoutPreemptively(Duration.ofSeconds(5), config::blockResolutions);

    assertThat(blocks).hasSize(13).startsWith(4, 8).endsWith(1 << 14);
    assertThat(config.numWs()).isEqualTo(26);
  }

  @Test
  void resampleFiltersOfOtherThanFourTapsAreRefused() {
    // The backends pad for 4 taps: a 3-tap filter gave a 9x9 image from an 8 px generator, a 1-tap one a model ONNX
    // Runtime could not load.
    for (List<Double> filter : List.of(List.of(1.0), List.of(1.0, 2.0, 1.0), List.of(1.0, 3.0, 3.0, 3.0, 1.0))) {
      GeneratorConfig config = config(32, filter);
      assertThatThrownBy(() -> LayerPlan.of(config))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("resample_filter " + filter + " is not supported");
    }
    assertThat(LayerPlan.of(config(32, List.of(1.0, 2.0, 2.0, 1.0))).blocks()).hasSize(2);
  }

  @Test
  void aBlockWithoutChannelsIsRefused() {
    // channel_base / 8 rounds down to 0 channels at 8 px: a model ONNX Runtime could not load.
    assertThatThrownBy(() -> LayerPlan.of(config(7, List.of(1.0, 3.0, 3.0, 1.0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel_base 7 leaves the 8 px block without channels");
    assertThat(LayerPlan.of(config(8, List.of(1.0, 3.0, 3.0, 1.0))).block(8).outChannels()).isEqualTo(1);
  }

  private static GeneratorConfig config(int channelBase, List<Double> filter) {
    return GeneratorConfig.builder(4, 4, 8)
        .synthesis(new SynthesisConfig(channelBase, 4, 0, OptionalDouble.empty(), "skip", filter, true))
        .build();
  }
}
