package dev.finetoon.cli;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.NoiseMode;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.AtomicFiles;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyDType;
import dev.finetoon.io.NpyFile;
import dev.finetoon.io.NpzFile;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.SeedList;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finetoon generate}: images from seeds as NVIDIA's generate.py makes them ({@code seed0042.png}), or from the
 * ws of a projection ({@code proj00.png}, one per w), plus the raw output and ws as {@code .npy} on request.
 */
@Command(
    name = "generate",
    description = "Generate images from seeds (seedNNNN.png) or projected ws (projNN.png), as NVIDIA's generate.py.")
final class GenerateCommand extends CliCommand {
  @Option(
      names = "--network",
      required = true,
      paramLabel = "FILE",
      description = "Generator: NVIDIA, stylegan3-repository or TensorFlow .pkl, rosinality .pt, or safetensors.")
  private Path network;

  @Option(
      names = "--w-avg",
      paramLabel = "FILE.npy",
      description = "Mean w [w_dim] to truncate towards, replacing the model's (rosinality checkpoints without "
          + "latent_avg otherwise use finetoon's seeded estimate).")
  private Path wAvg;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private Latents latents;

  @Option(
      names = "--trunc",
      defaultValue = "1",
      paramLabel = "PSI",
      description = "Truncation psi (default: ${DEFAULT-VALUE}).")
  private double psi;

  @Option(names = "--trunc-cutoff", paramLabel = "N", description = "Truncate only the first N ws (default: all).")
  private Integer cutoff;

  @Option(
      names = "--noise-mode",
      defaultValue = "const",
      converter = NoiseModeConverter.class,
      paramLabel = "MODE",
      description = "const, random or none (default: ${DEFAULT-VALUE}).")
  private NoiseMode noiseMode;

  @Option(
      names = "--noise-seed",
      defaultValue = "0",
      paramLabel = "N",
      description = "Seed of random noise; each image gets the noise it draws (default: ${DEFAULT-VALUE}).")
  private long noiseSeed;

  @Option(names = "--class", paramLabel = "N", description = "Class index of a conditional model.")
  private Integer classIndex;

  @Option(names = "--outdir", required = true, paramLabel = "DIR", description = "Where the PNGs go.")
  private Path outdir;

  @Option(names = "--npy", paramLabel = "FILE", description = "Also write the raw float32 images [N, 3, H, W].")
  private Path npy;

  @Option(names = "--ws-npy", paramLabel = "FILE", description = "Also write the ws [N, num_ws, w_dim].")
  private Path wsNpy;

  /** Seeds or projected ws, never both. */
  static final class Latents {
    @Option(names = "--seeds", paramLabel = "LIST", description = "Seeds, e.g. 0-7,12, rendered in this order.")
    private String seeds;

    @Option(
        names = "--projected-w",
        paramLabel = "FILE.npz",
        description = "Render key 'w' [N, num_ws, w_dim] of an .npz (projector.py's projected_w.npz); no truncation.")
    private Path projectedW;
  }

  @Override
  void run() throws IOException {
    List<Long> seeds = latents.seeds != null ? SeedList.parse(latents.seeds) : null;
    StyleGanModel model = ModelFiles.read(network);
    if (wAvg != null) {
      model = model.withWAvg(NpyFile.read(wAvg).toTensor(), wAvg.toString());
    }
    Tensor projected = latents.projectedW != null ? projectedWs(latents.projectedW, model.config()) : null;
    Tensor label = classLabel(model.config());
    Truncation truncation = cutoff != null ? Truncation.of(psi).withCutoff(cutoff) : Truncation.of(psi);
    Files.createDirectories(outdir);
    try (Generator generator = Generators.open(model)) {
      BatchRenderer renderer = new BatchRenderer(generator, truncation, Noise.of(noiseMode, noiseSeed), label);
      if (seeds != null) {
        List<String> names = seeds.stream().map(GenerateCommand::seedFileName).toList();
        render(renderer, model.config(), names, (from, to) -> renderer.ws(seeds.subList(from, to)));
      } else {
        if (psi != 1 || cutoff != null) {
          warn("--trunc and --trunc-cutoff do not apply to projected ws");
        }
        List<String> names =
            IntStream.range(0, projected.dim(0)).mapToObj(i -> String.format("proj%02d.png", i)).toList();
        render(renderer, model.config(), names, projected::slice);
      }
    }
  }

  /** generate.py's file name for a seed. */
  static String seedFileName(long seed) {
    return String.format("seed%04d.png", seed);
  }

  /**
   * Renders batch by batch; the {@code .npy} files are written as the batches come, so memory stays that of one
   * batch however many images there are.
   */
  private void render(
      BatchRenderer renderer, GeneratorConfig config, List<String> names, BiFunction<Integer, Integer, Tensor> wsOf)
      throws IOException {
    int n = names.size();
    int r = config.imgResolution();
    try (AtomicFiles.Pending images = npy != null ? AtomicFiles.open(npy) : null;
        AtomicFiles.Pending ws = wsNpy != null ? AtomicFiles.open(wsNpy) : null) {
      if (images != null) {
        NpyFile.writeHeader(images.stream(), NpyDType.FLOAT32, n, config.imgChannels(), r, r);
      }
      if (ws != null) {
        NpyFile.writeHeader(ws.stream(), NpyDType.FLOAT32, n, config.numWs(), config.wDim());
      }
      for (int from = 0; from < n; from += renderer.batchSize()) {
        Tensor batchWs = wsOf.apply(from, Math.min(n, from + renderer.batchSize()));
        Tensor batchImages = renderer.images(batchWs);
        List<BufferedImage> pngs = Images.toImages(batchImages);
        for (int i = 0; i < pngs.size(); i++) {
          Path file = outdir.resolve(names.get(from + i));
          Images.writePng(pngs.get(i), file);
          progress("[" + (from + i + 1) + "/" + n + "] " + file);
        }
        if (ws != null) {
          ws.stream().write(batchWs.toLittleEndianBytes());
        }
        if (images != null) {
          images.stream().write(batchImages.toLittleEndianBytes());
        }
      }
      if (ws != null) {
        ws.commit();
        out().println("ws: " + wsNpy);
      }
      if (images != null) {
        images.commit();
        out().println("images: " + npy);
      }
    }
  }

  private static Tensor projectedWs(Path file, GeneratorConfig config) throws IOException {
    Map<String, NpyArray> arrays = NpzFile.read(file);
    NpyArray w = arrays.get("w");
    checkArgument(w != null, "%s has no array 'w' (it holds %s)", file, arrays.keySet());
    int[] shape = w.shape();
    checkArgument(
        shape.length == 3 && shape[0] > 0 && shape[1] == config.numWs() && shape[2] == config.wDim(),
        "%s: 'w' has shape %s, this model needs [N, %s, %s]",
        file,
        Arrays.toString(shape),
        config.numWs(),
        config.wDim());
    return w.toTensor();
  }

  /** The one-hot row {@code [1, c_dim]} of {@code --class}, or null for an unconditional model. */
  private Tensor classLabel(GeneratorConfig config) {
    if (!config.isConditional()) {
      if (classIndex != null) {
        warn("the model is unconditional: --class " + classIndex + " is ignored");
      }
      return null;
    }
    checkArgument(classIndex != null, "the model is conditional (c_dim %s): give --class N", config.cDim());
    checkArgument(
        classIndex >= 0 && classIndex < config.cDim(),
        "--class %s is out of range: the model has classes 0 to %s",
        classIndex,
        config.cDim() - 1);
    float[] oneHot = new float[config.cDim()];
    oneHot[classIndex] = 1;
    return Tensor.adopt(oneHot, 1, config.cDim());
  }
}
