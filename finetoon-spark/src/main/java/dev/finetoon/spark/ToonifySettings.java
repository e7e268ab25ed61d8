package dev.finetoon.spark;

import dev.finetoon.GeneratorOptions;
import dev.finetoon.Toonifier;
import dev.finetoon.project.ProjectionOptions;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.SparkEnv;

/**
 * What a toonify job's tasks need, as it travels to the executors; equal settings share one session per JVM.
 *
 * @param featureNetwork the LPIPS network's location, or null for the resource cache's {@code vgg16.pt}
 * @param threadsPerTask native threads of each task's rendering (ONNX Runtime)
 * @param projectionThreads PyTorch's threads, or 0 for the executor's cores
 */
record ToonifySettings(
    SparkModel base, SparkModel toon, String featureNetwork, int steps, long seed, boolean allFaces,
    int threadsPerTask, int projectionThreads) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** PyTorch's thread counts are per JVM; these system properties set them before DJL's engine starts. */
  private static final String TORCH_THREADS = "ai.djl.pytorch.num_threads";
  private static final String TORCH_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

  /** Opens a toonify session from the executor's models (read once per JVM). */
  Toonifier open() throws IOException {
    // Unless the executor's java options set them. Projections run one at a time per JVM (ExecutorCache#toonifier),
    // so PyTorch may use the executor's cores.
    int torchThreads = projectionThreads > 0 ? projectionThreads
        : SparkEnv.get().conf().getInt("spark.executor.cores", Runtime.getRuntime().availableProcessors());
    System.getProperties().putIfAbsent(TORCH_THREADS, String.valueOf(torchThreads));
    System.getProperties().putIfAbsent(TORCH_INTEROP_THREADS, "1");
    Toonifier.Builder builder = Toonifier.builder()
        .base(ExecutorCache.model(base))
        .fineTuned(ExecutorCache.model(toon))
        .projection(ProjectionOptions.defaults().withSteps(steps).withSeed(seed))
        .generatorOptions(GeneratorOptions.DEFAULTS.withThreads(threadsPerTask));
    if (featureNetwork != null) {
      builder.featureNetwork(Locations.localFile(featureNetwork));
    }
    return builder.build();
  }
}
