package dev.finetoon.finetune;

import dev.finetoon.Backend;
import dev.finetoon.Device;
import dev.finetoon.FaceEncoder;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A service that opens {@link TripletFineTuner} sessions, found by {@link dev.finetoon.Backends}: finetoon-train
 * provides {@code djl}. Host applications use {@link TripletFineTuner#builder()}.
 */
public interface FineTunerBackend extends Backend {
  /**
   * What a fine-tune session is made of.
   *
   * @param anchor the weights that train (the blend)
   * @param positive the human model, whose identity the anchor's faces are pulled toward
   * @param negative the more toon-like blend they are pushed away from
   * @param encoder the face encoder, or empty for the backend's built-in face descriptor (which the session closes)
   * @param resumeFrom a checkpoint folder to continue from (its newest checkpoint), or empty for a new run
   */
  record Session(
      StyleGanModel anchor, StyleGanModel positive, StyleGanModel negative, Optional<FaceEncoder> encoder,
      FineTuneOptions options, Optional<Path> resumeFrom, Device device) {}

  TripletFineTuner open(Session session) throws IOException;
}
