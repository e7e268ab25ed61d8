package dev.finetoon.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.Tensor;
import dev.finetoon.io.NpyFile;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumpyRandomStateTest {
  @Test
  void seedZeroGivesNumpysPublishedNormals() {
    // numpy.random.RandomState(0).randn(4), as printed in countless tutorials.
    assertThat(new NumpyRandomState(0).randn(4))
        .containsExactly(1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458);
  }

  @Test
  void seedZeroGivesNumpysFirstSample() {
    assertThat(new NumpyRandomState(0).nextDouble()).isEqualTo(0.5488135039273248);
  }

  @Test
  void samplesMatchNumpy() {
    // numpy 2.4: RandomState(123).random_sample(5)
    NumpyRandomState rng = new NumpyRandomState(123);
    double[] samples = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
    assertThat(samples)
        .containsExactly(
            0.6964691855978616, 0.28613933495037946, 0.2268514535642031, 0.5513147690828912, 0.7194689697855631);
  }

  @Test
  void generatorIsMt19937() {
    // The C++ standard fixes the 10000th output of mt19937 with its default seed 5489.
    NumpyRandomState rng = new NumpyRandomState(5489);
    for (int i = 1; i < 10000; i++) {
      rng.nextUint32();
    }
    assertThat(rng.nextUint32()).isEqualTo(4123659995L);
  }

  @Test
  void largestSeedAndLongRunsMatchNumpy() {
    // numpy 2.4: RandomState(2**32 - 1).randn(3) and RandomState(42).randn(100000)[-1]
    assertThat(new NumpyRandomState(0xFFFFFFFFL).randn(3))
        .containsExactly(0.6484086742306527, 0.6693235306338161, -1.0805437227474493);
    assertThat(new NumpyRandomState(42).randn(100000)[99999]).isEqualTo(0.12006294082414522);
  }

  @Test
  void normalsContinueAcrossCallsThroughTheCachedSecondValue() {
    NumpyRandomState split = new NumpyRandomState(7);
    double[] first = split.randn(3);
    double[] rest = split.randn(2, 2);
    double[] all = new NumpyRandomState(7).randn(7);
    assertThat(first).containsExactly(all[0], all[1], all[2]);
    assertThat(rest).containsExactly(all[3], all[4], all[5], all[6]);
  }

  @Test
  void randnFloatRoundsEachDouble() {
    double[] doubles = new NumpyRandomState(5).randn(2, 3);
    Tensor floats = new NumpyRandomState(5).randnFloat(2, 3);
    assertThat(floats.shape()).containsExactly(2, 3);
    for (int i = 0; i < doubles.length; i++) {
      assertThat(floats.toArray()[i]).isEqualTo((float) doubles[i]);
    }
  }

  @Test
  void latentsReproduceNvidiasZBitForBit() throws IOException {
    Tensor expected = NpyFile.read(ReferenceData.tiny("tiny_z.npy")).toTensor();
    Tensor z = NumpyRandomState.latents(List.of(0L, 1L, 303L), 32);
    assertThat(z.shape()).containsExactly(3, 32);
    assertThat(z.toArray()).containsExactly(expected.toArray());
  }

  @Test
  void latentRowsAreSingleSeedDraws() {
    Tensor z = NumpyRandomState.latents(List.of(9L, 4L), 8);
    assertThat(z.slice(1, 2)).isEqualTo(new NumpyRandomState(4).randnFloat(1, 8));
  }

  @Test
  void rejectsSeedsOutside32Bits() {
    assertThatThrownBy(() -> new NumpyRandomState(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new NumpyRandomState(1L << 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4294967296");
  }

  @Test
  void latentsRejectNoSeedsAndBadSizes() {
    assertThatThrownBy(() -> NumpyRandomState.latents(List.of(), 8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NumpyRandomState.latents(List.of(1L), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
