package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.finetune.TripletLoss;
import ai.djl.ndarray.NDArray;
import dev.finetoon.Noise;
import dev.finetoon.NoiseMode;
import dev.finetoon.Truncation;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the fine-tune does on the tiny reference models (trained = base with toon blocks 16 and 32, negative = base with
 * toon blocks 8, 16 and 32, positive = base): on seeds it never saw, the README's loss moves the anchor's faces further
 * from the negative's than from the positive's and the notebook's literal loss does the opposite; frozen weights stay
 * put; runs stop when asked; checkpoints are whole and pruned.
 */
class TripletFineTunerBehaviourTest {
  private static final List<Long> TRAINING_SEEDS = LongStream.range(0, 20).boxed().toList();
  private static final List<Long> FOUR_SEEDS = List.of(0L, 1L, 2L, 3L);
  private static final List<Long> HELD_OUT_SEEDS = LongStream.range(1000, 1010).boxed().toList();
  private static final Truncation PSI = Truncation.of(0.7);
  private static final int EPOCHS = 3;

  private static TorchScriptFaceEncoder encoder;

  @TempDir Path dir;

  @BeforeAll
  static void loadEncoder() throws IOException {
    encoder = TorchScriptFaceEncoder.load(ReferenceData.tiny("tiny_encoder.pt"));
  }

  @AfterAll
  static void closeEncoder() {
    if (encoder != null) {
      encoder.close();
    }
  }

  private static StyleGanModel trained() {
    return ReferenceCases.model("blend_16_32");
  }

  private static StyleGanModel positive() {
    return ReferenceCases.model("base");
  }

  private static StyleGanModel negative() {
    return ReferenceCases.model("blend_8_16_32");
  }

  /** 20 seeds, 3 epochs, const noise; lr 1e-4 (1e-3 overshoots on these models: every distance grows). */
  private static FineTuneOptions.Builder options() {
    return FineTuneOptions.builder()
        .seeds(TRAINING_SEEDS).epochs(EPOCHS).learningRate(1e-4).noise(NoiseMode.CONST, 0);
  }

  private static TripletFineTuner.Result run(FineTuneOptions options) throws IOException {
    try (TripletFineTuner tuner = FineTuneSessions.create(trained(), positive(), negative(), encoder, options)) {
      return tuner.run(FineTuneListener.NONE);
    }
  }

  /**
   * The held-out triplet margin: the mean over held-out seeds of {@code d(a, n) − d(a, p)} with {@code d = 1 − cos} of
   * the encoder's embeddings, the anchor drawn by {@code anchor} and positive and negative by the fixed models.
   */
  private static double heldOutMargin(StyleGanModel anchor) {
    try (DjlGenerator a = DjlGenerator.create(anchor);
        DjlGenerator p = DjlGenerator.create(positive());
        DjlGenerator n = DjlGenerator.create(negative())) {
      NDArray ea = embed(a);
      NDArray ap = TripletLossFunction.cosineSimilarity(ea, embed(p));
      NDArray an = TripletLossFunction.cosineSimilarity(ea, embed(n));
      return ap.sub(an).mean().getFloat();
    }
  }

  /** Held-out embeddings {@code [10, D]} on the generator's manager (no gradients are recorded outside a collector). */
  private static NDArray embed(DjlGenerator g) {
    NDArray z = DjlTensors.toNDArray(g.manager(), NumpyRandomState.latents(HELD_OUT_SEEDS, g.config().zDim()));
    return encoder.embed(g.synthesis(g.mapping(z, null, PSI), Noise.CONST));
  }

  /**
   * The README's loss widens the gap on faces it never trained on. Note what it does not do on these models: with
   * margin 1 the hinge never closes, and the loss falls mostly through the anchor moving away from the negative, so
   * the held-out anchor–positive distance itself rises as well (0.029 before, 0.051 after this run; 0.048 with
   * {@code w_avg} tracking off, 0.035 with the mapping and blocks 4 and 8, which the anchor shares with the positive,
   * frozen).
   */
  @Test
  void theReadmeLossWidensTheHeldOutTripletMargin() throws IOException {
    double before = heldOutMargin(trained());
    TripletFineTuner.Result result = run(options().build());

    assertThat(result.epochLosses()).hasSize(EPOCHS);
    assertThat(result.epochLosses().get(EPOCHS - 1)).isLessThan(result.epochLosses().get(0));
    assertThat(heldOutMargin(result.model())).isGreaterThan(before + 0.005);
  }

  /** The notebook's literal loss ({@code d = cos}) minimises that margin: it pulls the anchor toward the negative. */
  @Test
  void theNotebookLossNarrowsTheHeldOutTripletMargin() throws IOException {
    double before = heldOutMargin(trained());
    TripletLoss notebook = new TripletLoss(TripletLoss.Distance.NOTEBOOK_COSINE_SIMILARITY, 1.0);
    TripletFineTuner.Result result = run(options().loss(notebook).build());

    assertThat(heldOutMargin(result.model())).isLessThan(before - 0.005);
  }

  @Test
  void frozenBlocksAndAFrozenMappingKeepTheirBits() throws IOException {
    StyleGanModel start = trained();
    StyleGanModel after =
        run(options().seeds(FOUR_SEEDS).epochs(1).freezeMapping(true).frozenBlocks(Set.of(8, 32)).build()).model();

    List<String> changed = new ArrayList<>();
    start.tensors().forEach((name, tensor) -> {
      boolean frozen = name.startsWith("synthesis.b8.") || name.startsWith("synthesis.b32.")
          || (name.startsWith("mapping.") && !name.equals("mapping.w_avg"));
      if (frozen) {
        assertThat(after.tensor(name)).as(name).isEqualTo(tensor);
      } else if (!after.tensor(name).equals(tensor)) {
        changed.add(name);
      }
    });
    assertThat(changed).contains("synthesis.b4.const", "synthesis.b16.conv1.weight", "mapping.w_avg");
  }

  @Test
  void anUnknownFrozenResolutionIsRejected() {
    FineTuneOptions options = options().frozenBlocks(Set.of(64)).build();

    assertThatThrownBy(() -> FineTuneSessions.create(trained(), positive(), negative(), encoder, options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no synthesis block at resolution 64; this model has [4, 8, 16, 32]");
  }

  @Test
  void cancellingFromTheListenerStopsAfterTheCurrentStep() throws IOException {
    List<Long> steps = new ArrayList<>();
    try (TripletFineTuner tuner =
        FineTuneSessions.create(trained(), positive(), negative(), encoder, options().seeds(FOUR_SEEDS).build())) {
      TripletFineTuner.Result result = tuner.run(new FineTuneListener() {
        @Override
        public boolean onStep(Step step) {
          steps.add(step.step());
          return step.step() != 5;
        }
      });

      assertThat(result.cancelled()).isTrue();
      assertThat(result.steps()).isEqualTo(6);
      assertThat(result.epochLosses()).hasSize(1);
      assertThat(steps).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void checkpointsAreWholeAndOnlyTheTwoNewestStay() throws IOException {
    Path checkpoints = dir.resolve("ckpt");
    List<Path> reported = new ArrayList<>();
    StyleGanModel result;
    try (TripletFineTuner tuner = FineTuneSessions.create(trained(), positive(), negative(), encoder,
        options().seeds(FOUR_SEEDS).epochs(1).checkpoints(checkpoints, 1).build())) {
      result = tuner.run(new FineTuneListener() {
        @Override
        public boolean onStep(Step step) {
          return true;
        }

        @Override
        public void onCheckpoint(Path checkpoint) {
          reported.add(checkpoint.getFileName());
        }
      }).model();
    }

    assertThat(reported).map(Path::toString)
        .containsExactly("step-000000001", "step-000000002", "step-000000003", "step-000000004");
    try (Stream<Path> left = Files.list(checkpoints)) {
      assertThat(left.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("step-000000003", "step-000000004");
    }
    FineTuneCheckpoint last = FineTuneCheckpoint.read(checkpoints.resolve("step-000000004"));
    assertThat(last.step()).isEqualTo(4);
    assertThat(last.model().tensors()).isEqualTo(result.tensors());
  }
}
