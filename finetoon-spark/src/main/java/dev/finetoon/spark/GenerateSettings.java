package dev.finetoon.spark;

import dev.finetoon.GeneratorOptions;
import dev.finetoon.Noise;
import dev.finetoon.NoiseMode;
import dev.finetoon.Truncation;
import java.io.Serializable;
import java.util.List;

/** What a generate job's tasks need, as it travels to the executors. */
record GenerateSettings(
    List<NamedModel> models, double psi, Integer cutoff, NoiseMode noiseMode, int batchSize, int threadsPerTask)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  GenerateSettings {
    models = List.copyOf(models);
  }

  /** A model and the name its rows carry. */
  record NamedModel(String name, SparkModel model) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  Truncation truncation() {
    return cutoff == null ? Truncation.of(psi) : Truncation.of(psi).withCutoff(cutoff);
  }

  Noise noise() {
    return Noise.of(noiseMode, 0);
  }

  GeneratorOptions generatorOptions() {
    return GeneratorOptions.DEFAULTS.withThreads(threadsPerTask);
  }
}
