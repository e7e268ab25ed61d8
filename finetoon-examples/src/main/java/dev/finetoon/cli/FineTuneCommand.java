package dev.finetoon.cli;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.FaceEncoder;
import dev.finetoon.LayerBlender;
import dev.finetoon.NoiseMode;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.Truncation;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.finetune.TripletLoss;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.SeedList;
import dev.finetoon.train.TorchScriptFaceEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finetoon fine-tune}: the Fine-Tooning triplet fine-tune. The anchor is the base with the donor's blocks, the
 * positive the base, the negative the base with one donor block more; the anchor's weights train so that its faces
 * keep the base's identity. Writes the trained generator as finetoon safetensors.
 */
@Command(
    name = "fine-tune",
    description = {
      "Fine-tune a blend with the triplet loss on face embeddings.",
      "Anchor = base with the donor's --blocks (the model that trains),",
      "positive = base, negative = base with the donor's --negative-blocks."
    })
final class FineTuneCommand extends CliCommand {
  @Option(names = "--base", required = true, paramLabel = "FILE", description = "The human-face generator.")
  private Path base;

  @Option(names = "--donor", required = true, paramLabel = "FILE", description = "The toon generator.")
  private Path donor;

  @Option(
      names = "--blocks",
      required = true,
      split = ",",
      paramLabel = "RES",
      description = "Donor blocks of the model that trains, e.g. 64,128,256.")
  private List<Integer> blocks;

  @Option(
      names = "--negative-blocks",
      split = ",",
      paramLabel = "RES",
      description = "Donor blocks of the negative (default: --blocks plus the next lower block).")
  private List<Integer> negativeBlocks;

  @Option(
      names = "--encoder",
      paramLabel = "FILE.pt",
      description = "TorchScript face encoder: images [N, 3, R, R] in [-1, 1] to embeddings [N, D] (default: the"
          + " built-in face descriptor, dlib's ResNet from face-api.js).")
  private Path encoder;

  @ArgGroup(exclusive = true)
  private Seeds seeds = new Seeds();

  @Option(names = "--epochs", defaultValue = "1", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
  private int epochs;

  @Option(
      names = "--lr",
      defaultValue = "1e-5",
      paramLabel = "RATE",
      description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  private double learningRate;

  @Option(
      names = "--batch",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seeds per step (default: ${DEFAULT-VALUE}).")
  private int batch;

  @Option(
      names = "--trunc",
      defaultValue = "0.7",
      paramLabel = "PSI",
      description = "Truncation psi (default: ${DEFAULT-VALUE}).")
  private double psi;

  @Option(
      names = "--noise-mode",
      defaultValue = "random",
      converter = NoiseModeConverter.class,
      paramLabel = "MODE",
      description = "random (the notebook's) or const (default: ${DEFAULT-VALUE}).")
  private NoiseMode noiseMode;

  @Option(
      names = "--loss",
      defaultValue = "cosine-distance",
      converter = LossConverter.class,
      paramLabel = "LOSS",
      description = "cosine-distance (d = 1 - cos, as the README describes) or notebook-similarity (d = cos, as the"
          + " notebook's code passes: pushes faces away from the base) (default: ${DEFAULT-VALUE}).")
  private TripletLoss.Distance distance;

  @Option(names = "--freeze-mapping", description = "Keep the mapping network's weights.")
  private boolean freezeMapping;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Write checkpoints here (the two newest stay).")
  private Path checkpointDir;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "0",
      paramLabel = "N",
      description = "Steps between checkpoints (default: ${DEFAULT-VALUE}, only at the end).")
  private int checkpointEvery;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in --checkpoint-dir.")
  private boolean resume;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The fine-tuned model (safetensors; replaced if present).")
  private Path out;

  @Option(names = "--preview-dir", paramLabel = "DIR", description = "Write the preview seed after each epoch here.")
  private Path previewDir;

  @Option(
      names = "--preview-seed",
      defaultValue = "28",
      paramLabel = "SEED",
      description = "Seed of the previews (default: ${DEFAULT-VALUE}, as the notebook).")
  private long previewSeed;

  /** Seeds listed or sampled, never both. */
  static final class Seeds {
    @Option(names = "--seeds", paramLabel = "LIST", description = "Training seeds, e.g. 0-99.")
    private String list;

    @Option(
        names = "--num-seeds",
        defaultValue = "100",
        paramLabel = "N",
        description = "Sample N seeds from 0-9999, as the notebook (default: ${DEFAULT-VALUE}).")
    private int count = 100;
  }

  @Override
  void run() throws IOException {
    OutputPaths.checkFile("--out", out);
    OutputPaths.checkFolder("--checkpoint-dir", checkpointDir);
    OutputPaths.checkFolder("--preview-dir", previewDir);
    Arguments.psi(psi);
    checkArgument(!resume || checkpointDir != null, "--resume needs --checkpoint-dir");
    checkArgument(checkpointEvery == 0 || checkpointDir != null, "--checkpoint-every needs --checkpoint-dir");
    FineTuneOptions options = options();
    StyleGanModel baseModel = readModel(base);
    StyleGanModel donorModel = readModel(donor);
    LayerBlender anchor = LayerBlender.swap(ints(blocks));
    LayerBlender negative = negativeBlocks != null
        ? LayerBlender.swap(ints(negativeBlocks))
        : anchor.withNextLowerBlock(baseModel.config());
    TripletFineTuner.Builder session = TripletFineTuner.builder()
        .base(baseModel)
        .donor(donorModel)
        .blend(anchor)
        .negativeBlocks(ints(negative.alphas().keySet()))
        .options(options);
    if (resume) {
      session.resumeFrom(checkpointDir);
    }
    TripletFineTuner.Result result;
    try (FaceEncoder faces = encoder != null ? TorchScriptFaceEncoder.load(encoder) : null;
        TripletFineTuner tuner = (faces != null ? session.encoder(faces) : session).build()) {
      progress(String.format("anchor: donor blocks %s; negative: donor blocks %s; %d seeds x %d epochs; encoder: %s",
          anchor.alphas().keySet(), negative.alphas().keySet(), options.seeds().size(), epochs,
          encoder != null ? encoder : "built-in (face-api.js's dlib ResNet)"));
      if (tuner.step() > 0) {
        progress("resuming at step " + tuner.step() + " of " + tuner.totalSteps());
      }
      try (FineTuneProgress listener = new FineTuneProgress(
          err(), this::progress, tuner.step(), tuner.totalSteps(), epochs, previewDir, previewSeed)) {
        result = tuner.run(listener);
      }
    }
    ModelFiles.write(withProvenance(result, negative.alphas().keySet()), out);
    progress("fine-tuned model: " + out);
  }

  private FineTuneOptions options() {
    List<Long> seedList = seeds.list != null
        ? SeedList.parse(seeds.list)
        : FineTuneOptions.sampleSeeds(seeds.count, 10_000, 0);
    FineTuneOptions.Builder builder = FineTuneOptions.builder()
        .seeds(seedList)
        .epochs(epochs)
        .batchSize(batch)
        .learningRate(learningRate)
        .truncation(Truncation.of(psi))
        .noise(noiseMode, 0)
        .loss(new TripletLoss(distance, 1.0))
        .freezeMapping(freezeMapping)
        .previewSeed(previewSeed);
    if (checkpointDir != null) {
      builder.checkpoints(checkpointDir, checkpointEvery);
    }
    return builder.build();
  }

  /** The trained weights, their provenance saying how they were made. */
  private StyleGanModel withProvenance(TripletFineTuner.Result result, Collection<Integer> negatives) {
    Map<String, String> provenance = new LinkedHashMap<>(result.model().provenance());
    provenance.put("source", "fine-tune");
    provenance.put("format", "finetoon");
    provenance.put("fine-tune.negative-blocks", negatives.toString());
    provenance.put("fine-tune.loss", distance.name());
    provenance.put("fine-tune.steps", Long.toString(result.steps()));
    return result.model().withTensors(Map.of(), provenance);
  }

  private static int[] ints(Collection<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }
}
