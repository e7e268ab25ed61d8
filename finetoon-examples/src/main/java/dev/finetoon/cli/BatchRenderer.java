package dev.finetoon.cli;

import com.google.common.collect.Lists;
import dev.finetoon.Generator;
import dev.finetoon.Noise;
import dev.finetoon.NoiseMode;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.seed.NumpyRandomState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a generator on seeds in batches of at most {@value #MAX_BATCH_SIZE} (fewer at high resolutions, see
 * {@link #batchSize(GeneratorConfig)}), with results equal to one call per seed.
 * Random noise is drawn from its seed afresh for every image, so an image depends only on its seed and the noise
 * seed, never on which other seeds share its batch.
 */
final class BatchRenderer {
  static final int MAX_BATCH_SIZE = 8;
  /** Output pixels per batch: 8 images up to 512², 2 at 1024², so that a batch's activations stay near 1 GB. */
  private static final int PIXELS_PER_BATCH = 1 << 21;

  private final Generator generator;
  private final Truncation truncation;
  private final Noise noise;
  private final Tensor label;
  private final int batchSize;

  /** {@code label} is the one-hot class row {@code [1, c_dim]} of a conditional model, else null. */
  BatchRenderer(Generator generator, Truncation truncation, Noise noise, Tensor label) {
    this.generator = generator;
    this.truncation = truncation;
    this.noise = noise;
    this.label = label;
    this.batchSize = batchSize(generator.config());
  }

  /** How many images of this configuration one call renders: memory stays that of one batch for any seed list. */
  static int batchSize(GeneratorConfig config) {
    long pixels = (long) config.imgResolution() * config.imgResolution();
    return (int) Math.max(1, Math.min(MAX_BATCH_SIZE, PIXELS_PER_BATCH / pixels));
  }

  /** The batch size of this renderer's generator. */
  int batchSize() {
    return batchSize;
  }

  /** The truncated ws {@code [N, num_ws, w_dim]} of {@code RandomState(seed).randn(1, z_dim)} for each seed. */
  Tensor ws(List<Long> seeds) {
    List<Tensor> parts = new ArrayList<>();
    for (List<Long> batch : Lists.partition(seeds, batchSize)) {
      Tensor z = NumpyRandomState.latents(batch, generator.config().zDim());
      parts.add(generator.mapping(z, labels(batch.size()), truncation));
    }
    return Tensor.concat(parts.toArray(Tensor[]::new));
  }

  /** The raw images {@code [N, C, R, R]} of ws {@code [N, num_ws, w_dim]}. */
  Tensor images(Tensor ws) {
    int step = noise.mode() == NoiseMode.RANDOM ? 1 : batchSize;
    int n = ws.dim(0);
    List<Tensor> parts = new ArrayList<>();
    for (int from = 0; from < n; from += step) {
      parts.add(generator.synthesis(ws.slice(from, Math.min(n, from + step)), noise));
    }
    return Tensor.concat(parts.toArray(Tensor[]::new));
  }

  /** Mapping then synthesis. */
  Tensor images(List<Long> seeds) {
    return images(ws(seeds));
  }

  private Tensor labels(int rows) {
    if (label == null) {
      return null;
    }
    Tensor[] copies = new Tensor[rows];
    Arrays.fill(copies, label);
    return Tensor.concat(copies);
  }
}
