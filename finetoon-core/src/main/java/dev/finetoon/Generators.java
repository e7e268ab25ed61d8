package dev.finetoon;

import dev.finetoon.model.StyleGanModel;
import java.util.Comparator;
import java.util.ServiceLoader;

/**
 * Opens generators with the best {@link GeneratorBackend} on the class path.
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
    return ServiceLoader.load(GeneratorBackend.class).stream()
        .map(ServiceLoader.Provider::get)
        .max(Comparator.comparingInt(GeneratorBackend::priority))
        .orElseThrow(
            () -> new FinetoonException("no generator backend on the class path: add dev.finetoon:finetoon-onnx"));
  }
}
