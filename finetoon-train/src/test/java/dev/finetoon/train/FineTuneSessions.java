package dev.finetoon.train;

import dev.finetoon.Device;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;

/** Fine-tune sessions on explicitly given models, opened through the public builder as a host app would. */
final class FineTuneSessions {
  private FineTuneSessions() {}

  static TripletFineTuner create(StyleGanModel anchor, StyleGanModel positive, StyleGanModel negative,
      DifferentiableFaceEncoder encoder, FineTuneOptions options) throws IOException {
    return builder(anchor, positive, negative, encoder, options).build();
  }

  /** Continues the run in {@code options.checkpointDir()}. */
  static TripletFineTuner resume(StyleGanModel anchor, StyleGanModel positive, StyleGanModel negative,
      DifferentiableFaceEncoder encoder, FineTuneOptions options) throws IOException {
    return builder(anchor, positive, negative, encoder, options).resumeFrom(options.checkpointDir().orElseThrow())
        .build();
  }

  private static TripletFineTuner.Builder builder(StyleGanModel anchor, StyleGanModel positive,
      StyleGanModel negative, DifferentiableFaceEncoder encoder, FineTuneOptions options) {
    return TripletFineTuner.builder().anchor(anchor).base(positive).negative(negative).encoder(encoder)
        .options(options).device(Device.cpu());
  }
}
