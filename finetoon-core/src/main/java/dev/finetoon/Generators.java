package dev.finetoon;

import dev.finetoon.model.StyleGanModel;
import java.util.Optional;

/**
 * Opens generators with the {@link GeneratorBackend} that {@link Backends} picks.
 *
 * <pre>{@code
 * try (Generator g = Generators.open(model)) { ... }
 * }</pre>
 */
public final class Generators {
  private Generators() {}

  public static Generator open(StyleGanModel model) {
    return open(model, GeneratorOptions.DEFAULTS);
  }

  public static Generator open(StyleGanModel model, GeneratorOptions options) {
    return backend().open(model, options);
  }

  /** The backend {@link #open} uses; throws when none is on the class path. */
  public static GeneratorBackend backend() {
    return Backends.find(GeneratorBackend.class, Optional.empty(), "dev.finetoon:finetoon-onnx");
  }
}
