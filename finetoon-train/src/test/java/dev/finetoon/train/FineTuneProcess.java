package dev.finetoon.train;

import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.NoiseMode;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.LongStream;

/**
 * The fine-tune that {@link CheckpointCrashTest} kills, run in a process of its own: the tiny reference triplet
 * (trained = base with the toon's b16 and b32, negative = base with b8, b16 and b32, positive = base), a checkpoint
 * after every step, resumed from the newest checkpoint in the folder given as the only argument and run to the end.
 */
public final class FineTuneProcess {
  static final int STEPS = 12;

  private FineTuneProcess() {}

  static StyleGanModel trained() {
    return ReferenceCases.model("blend_16_32");
  }

  static StyleGanModel positive() {
    return ReferenceCases.model("base");
  }

  static StyleGanModel negative() {
    return ReferenceCases.model("blend_8_16_32");
  }

  static TorchScriptFaceEncoder encoder() throws IOException {
    return TorchScriptFaceEncoder.load(ReferenceData.tiny("tiny_encoder.pt"));
  }

  static FineTuneOptions options(Path checkpoints) {
    return FineTuneOptions.builder()
        .seeds(LongStream.range(0, STEPS).boxed().toList())
        .learningRate(1e-3)
        .noise(NoiseMode.CONST, 0)
        .checkpoints(checkpoints, 1)
        .build();
  }

  public static void main(String[] args) throws IOException {
    try (TorchScriptFaceEncoder encoder = encoder();
        TripletFineTuner tuner =
            FineTuneSessions.resume(trained(), positive(), negative(), encoder, options(Path.of(args[0])))) {
      tuner.run(FineTuneListener.NONE);
    }
  }
}
