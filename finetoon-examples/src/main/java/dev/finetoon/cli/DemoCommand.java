package dev.finetoon.cli;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Truncation;
import dev.finetoon.examples.NotebookBlend;
import dev.finetoon.examples.StandInModels;
import dev.finetoon.image.Images;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finetoon demo}: the whole Fine-Tooning job without downloads, on two random-weight stand-ins for a face
 * model and its cartoon fine-tune: blend the top blocks, draw the layer-swap comparison, render a few images from
 * each model, and save the blend.
 */
@Command(
    name = "demo",
    description = "Blend two random-weight stand-in generators and write the comparison figure, images and blend.")
final class DemoCommand extends CliCommand {
  private static final List<Long> SEEDS = List.of(0L, 1L, 2L, 3L);
  private static final Truncation TRUNCATION = Truncation.of(0.7);

  @Option(names = "--outdir", required = true, paramLabel = "DIR", description = "Where everything goes.")
  private Path outdir;

  @Option(names = "--size", hidden = true, defaultValue = "128", description = "Stand-in resolution (for tests).")
  private int size;

  @Override
  void run() throws IOException {
    StyleGanModel human = StandInModels.human(size);
    StyleGanModel toon = StandInModels.toon(size);
    int[] blocks = NotebookBlend.topThreeBlocks(human.config());
    progress("NOTE: 'human' and 'toon' are random-weight stand-ins (RandomModels seeds " + StandInModels.HUMAN_SEED
        + " and " + StandInModels.TOON_SEED + "), not trained face models: expect textures, not faces.");
    progress("      With real models: finetoon compare --base ffhq.pkl --donor toon.pkl --seeds 0-3 --out grid.png");
    progress("      and finetoon generate --network ffhq.pkl --seeds 0-7 --trunc 0.7 --outdir out");
    progress(size + "x" + size + " stand-ins; blend = human with toon's blocks " + Arrays.toString(blocks));
    Files.createDirectories(outdir);
    StyleGanModel blend = LayerBlender.swap(human, toon, blocks);
    Path blendFile = outdir.resolve("blend.safetensors");
    ModelFiles.write(blend, blendFile);

    Path figure = outdir.resolve("comparison.png");
    // Open for the whole run, the stand-ins compile once: the comparison and the blend reuse their blocks.
    try (Generator humanGenerator = Generators.open(human);
        Generator toonGenerator = Generators.open(toon);
        Generator blendGenerator = Generators.open(blend)) {
      Images.writePng(SwapComparison.render(human, toon, SEEDS, TRUNCATION, this::progress), figure);
      writeImages(humanGenerator, outdir.resolve("human"));
      writeImages(toonGenerator, outdir.resolve("toon"));
      writeImages(blendGenerator, outdir.resolve("blend"));
    }

    progress("comparison figure: " + figure);
    progress("images: " + outdir.resolve("human") + ", " + outdir.resolve("toon") + ", " + outdir.resolve("blend"));
    progress("blended model: " + blendFile + " (try: finetoon info " + blendFile + ")");
  }

  private static void writeImages(Generator generator, Path dir) throws IOException {
    List<BufferedImage> images =
        Images.toImages(new BatchRenderer(generator, TRUNCATION, Noise.CONST, null).images(SEEDS));
    for (int i = 0; i < SEEDS.size(); i++) {
      Images.writePng(images.get(i), dir.resolve(GenerateCommand.seedFileName(SEEDS.get(i))));
    }
  }
}
