package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.finetune.FineTunerBackend;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fine-Tooning's fine-tune session: a triplet loss on face embeddings pulls the blended model's faces (the anchor)
 * toward the human model's identity (the positive) and away from a more toon-like blend (the negative), seed by seed.
 *
 * <pre>{@code
 * try (TripletFineTuner tuner = TripletFineTuner.builder()
 *     .base(ffhq).donor(webtoon).blocks(64, 128, 256)         // negative: 32, 64, 128, 256; encoder: built-in
 *     .options(FineTuneOptions.builder().epochs(5).checkpoints(Path.of("ckpt"), 50).build())
 *     .build()) {
 *   StyleGanModel result = tuner.run(FineTuneListener.NONE).model();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one {@link #run} at a time. A run stops early when its listener's {@code onStep} returns false.
 */
public interface TripletFineTuner extends AutoCloseable {
  /** The outcome of {@link #run}. */
  record Result(StyleGanModel model, List<Double> epochLosses, long steps, boolean cancelled) {
    public Result {
      epochLosses = List.copyOf(epochLosses);
    }
  }

  /** Runs the remaining steps, reporting to {@code listener}; returns the trained weights. */
  Result run(FineTuneListener listener) throws IOException;

  /** The trained weights as they are now. */
  StyleGanModel model();

  /** Steps done so far (including those before a resume). */
  long step();

  /** Total optimiser steps of the run. */
  long totalSteps();

  /** Closes the generators and the built-in encoder (an encoder given to the builder stays the caller's). */
  @Override
  void close();

  static Builder builder() {
    return new Builder();
  }

  /**
   * Builder of a {@link TripletFineTuner}: the models, the encoder, the device; numbers go into the options. The anchor
   * is {@code blend.blend(base, donor)} unless given, the negative {@code blend.withNextLowerBlock(…)} of the same
   * donor unless given.
   */
  final class Builder {
    private StyleGanModel base;
    private StyleGanModel donor;
    private LayerBlender blend;
    private LayerBlender negativeBlend;
    private StyleGanModel anchor;
    private StyleGanModel negative;
    private FaceEncoder encoder;
    private FineTuneOptions options = FineTuneOptions.builder().build();
    private Path resumeFrom;
    private Device device = Device.auto();
    private Optional<String> backend = Optional.empty();

    private Builder() {}

    /** The human model: the positive, and the base of the blends. */
    public Builder base(StyleGanModel value) {
      this.base = checkNotNull(value, "base");
      return this;
    }

    /** The toon model the blends take blocks from. */
    public Builder donor(StyleGanModel value) {
      this.donor = checkNotNull(value, "donor");
      return this;
    }

    /** The anchor is the base with these blocks swapped from the donor (the notebook: 64, 128, 256). */
    public Builder blocks(int... resolutions) {
      return blend(LayerBlender.swap(resolutions));
    }

    /** The anchor's recipe. */
    public Builder blend(LayerBlender value) {
      this.blend = checkNotNull(value, "blend");
      return this;
    }

    /** The negative is the base with these blocks swapped from the donor (default: the anchor's and one lower). */
    public Builder negativeBlocks(int... resolutions) {
      this.negativeBlend = LayerBlender.swap(resolutions);
      return this;
    }

    /** Trains these weights (an existing blend or fine-tuned model) instead of blending the anchor here. */
    public Builder anchor(StyleGanModel value) {
      this.anchor = checkNotNull(value, "anchor");
      return this;
    }

    /** Pushes away from this model instead of the negative blended here. */
    public Builder negative(StyleGanModel value) {
      this.negative = checkNotNull(value, "negative");
      return this;
    }

    /** The face encoder (default: the built-in face-api.js descriptor); it stays the caller's to close. */
    public Builder encoder(FaceEncoder value) {
      this.encoder = checkNotNull(value, "encoder");
      return this;
    }

    public Builder options(FineTuneOptions value) {
      this.options = checkNotNull(value, "options");
      return this;
    }

    /**
     * Continues the run whose checkpoints are in {@code dir} from its newest one (weights, {@code w_avg}, optimiser
     * state, step), or starts it there when there is none yet. New checkpoints go to the same folder.
     */
    public Builder resumeFrom(Path dir) {
      this.resumeFrom = checkNotNull(dir, "dir");
      return this;
    }

    public Builder device(Device value) {
      this.device = checkNotNull(value, "device");
      return this;
    }

    /** Asks for the fine-tune backend of this name (default: the highest priority on the class path). */
    public Builder backend(String name) {
      checkArgument(!name.isBlank(), "backend name is blank");
      this.backend = Optional.of(name);
      return this;
    }

    /**
     * Opens the session: blends what is not given, loads the encoder and copies the anchor into the backend.
     *
     * @throws NotDirectoryException where {@code resumeFrom} names a file
     * @throws IOException where a checkpoint cannot be read
     */
    public TripletFineTuner build() throws IOException {
      checkState(base != null, "set the base (human) model");
      StyleGanModel trained = anchor != null ? anchor : blend(blend, "the anchor: set blocks(...) or anchor(...)");
      LayerBlender negativeRecipe = negativeBlend != null ? negativeBlend
          : blend != null ? blend.withNextLowerBlock(base.config()) : null;
      StyleGanModel pushed = negative != null ? negative
          : blend(negativeRecipe, "the negative: set negativeBlocks(...) or negative(...)");
      FineTuneOptions run = options;
      if (resumeFrom != null) {
        if (Files.exists(resumeFrom) && !Files.isDirectory(resumeFrom)) {
          throw new NotDirectoryException(resumeFrom.toString());
        }
        checkArgument(run.checkpointDir().map(resumeFrom::equals).orElse(true),
            "resumeFrom(%s) and the options' checkpoint folder %s differ", resumeFrom,
            run.checkpointDir().orElse(null));
        run = run.withCheckpointDir(resumeFrom);
      }
      FineTunerBackend tuners = Backends.find(FineTunerBackend.class, backend, "dev.finetoon:finetoon-train");
      return tuners.open(new FineTunerBackend.Session(trained, base, pushed, Optional.ofNullable(encoder), run,
          Optional.ofNullable(resumeFrom), device));
    }

    private StyleGanModel blend(LayerBlender recipe, String what) {
      checkState(recipe != null && donor != null, "set %s", what);
      return recipe.blend(base, donor);
    }
  }
}
