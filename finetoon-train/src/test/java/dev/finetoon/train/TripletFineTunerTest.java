package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.finetune.FineTuneOptions;
import com.fasterxml.jackson.databind.JsonNode;
import dev.finetoon.NoiseMode;
import dev.finetoon.Tensor;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tune against NVIDIA-code reference steps, and its resume guarantee. */
class TripletFineTunerTest {
  @TempDir Path dir;

  private static JsonNode tripletCase() {
    for (JsonNode c : ReferenceCases.index().get("cases")) {
      if (c.get("kind").asText().equals("triplet")) {
        return c;
      }
    }
    throw new AssertionError("no triplet case");
  }

  private static StyleGanModel model(JsonNode spec) {
    return ReferenceCases.model(ReferenceCases.modelKey(spec));
  }

  private static FineTuneOptions.Builder referenceOptions(JsonNode c) {
    List<Long> seeds = new ArrayList<>();
    c.get("steps").forEach(s -> seeds.add(s.get("seed").asLong()));
    return FineTuneOptions.builder().seeds(seeds).learningRate(1e-3).noise(NoiseMode.CONST, 0);
  }

  @Test
  void reproducesTheReferenceSteps() throws IOException {
    JsonNode c = tripletCase();
    StyleGanModel before = model(c.get("generator"));
    List<FineTuneListener.Step> steps = new ArrayList<>();
    try (TorchScriptFaceEncoder encoder = TorchScriptFaceEncoder.load(ReferenceData.tiny(c.get("encoder").asText()));
        TripletFineTuner tuner = FineTuneSessions.create(
            before, model(c.get("positive")), model(c.get("negative")), encoder, referenceOptions(c).build())) {
      StyleGanModel after = tuner.run(new FineTuneListener() {
        @Override
        public boolean onStep(Step step) {
          steps.add(step);
          return true;
        }
      }).model();

      assertThat(steps).hasSize(3);
      for (int i = 0; i < 3; i++) {
        JsonNode expected = c.get("steps").get(i);
        assertThat(steps.get(i).loss()).as("loss %s", i).isCloseTo(expected.get("loss").asDouble(), within(1e-4));
        assertThat(steps.get(i).anchorPositive()).isCloseTo(expected.get("d_ap").asDouble(), within(1e-4));
        assertThat(steps.get(i).anchorNegative()).isCloseTo(expected.get("d_an").asDouble(), within(1e-4));
      }
      Tensor wAvgAfter = ReferenceCases.array(c.get("w_avg_after").asText());
      assertThat(after.tensor("mapping.w_avg").maxAbsDifference(wAvgAfter.reshape(wAvgAfter.size()))).isLessThan(1e-5f);
      c.get("params_after").fields().forEachRemaining(e -> {
        float[] start = before.tensor(e.getKey()).toArray();
        float[] ours = after.tensor(e.getKey()).toArray();
        float[] theirs = ReferenceCases.array(e.getValue().asText()).toArray();
        double dot = 0;
        double normOurs = 0;
        double normTheirs = 0;
        double maxAbs = 0;
        for (int i = 0; i < start.length; i++) {
          double a = ours[i] - start[i];
          double b = theirs[i] - start[i];
          dot += a * b;
          normOurs += a * a;
          normTheirs += b * b;
          maxAbs = Math.max(maxAbs, Math.abs(a - b));
        }
        assertThat(maxAbs).as("max-abs difference of the change of %s", e.getKey()).isLessThanOrEqualTo(2.5e-3);
        if (normTheirs > 0) {
          assertThat(dot / Math.sqrt(normOurs * normTheirs)).as("cosine of the change of %s", e.getKey())
              .isGreaterThanOrEqualTo(0.999);
        }
      });
    }
  }

  @Test
  void aResumedRunEqualsAnUninterruptedOne() throws IOException {
    JsonNode c = tripletCase();
    List<Long> seeds = List.of(0L, 1L, 2L, 3L);
    FineTuneOptions.Builder options = referenceOptions(c).seeds(seeds).epochs(1);
    try (TorchScriptFaceEncoder encoder = TorchScriptFaceEncoder.load(ReferenceData.tiny(c.get("encoder").asText()))) {
      StyleGanModel uninterrupted;
      try (TripletFineTuner tuner = FineTuneSessions.create(model(c.get("generator")), model(c.get("positive")),
          model(c.get("negative")), encoder, options.build())) {
        uninterrupted = tuner.run(FineTuneListener.NONE).model();
      }

      Path checkpoints = dir.resolve("ckpt");
      FineTuneOptions withCheckpoints = options.checkpoints(checkpoints, 1).build();
      try (TripletFineTuner first = FineTuneSessions.create(model(c.get("generator")), model(c.get("positive")),
          model(c.get("negative")), encoder, withCheckpoints)) {
        first.run(new FineTuneListener() {
          @Override
          public boolean onStep(Step step) {
            return step.step() != 1; // stop after two steps, as a killed run would have
          }
        });
        assertThat(first.step()).isEqualTo(2);
      }
      try (TripletFineTuner second = FineTuneSessions.resume(model(c.get("generator")), model(c.get("positive")),
          model(c.get("negative")), encoder, withCheckpoints)) {
        assertThat(second.step()).isEqualTo(2);
        StyleGanModel resumed = second.run(FineTuneListener.NONE).model();
        assertThat(resumed.tensors()).isEqualTo(uninterrupted.tensors());
      }
    }
  }
}
