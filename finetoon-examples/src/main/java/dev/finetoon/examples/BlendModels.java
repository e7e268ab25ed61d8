package dev.finetoon.examples;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Truncation;
import dev.finetoon.image.ImageGrid;
import dev.finetoon.image.Images;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Notebook 1 of Fine-Tooning: load a face generator and its cartoon fine-tune, give the face model the cartoon
 * model's top synthesis blocks ({@code G.synthesis.b64 = G2.synthesis.b64}, and b128, b256), and show base, donor and
 * blend side by side for one seed.
 *
 * <pre>
 * BlendModels                          # two random-weight stand-ins, seed 0
 * BlendModels ffhq.pkl toon.pkl [SEED] # real models
 * </pre>
 *
 * <p>Writes {@code blend-models.png} in the working directory.
 */
public final class BlendModels {
  private static final Path OUTPUT = Path.of("blend-models.png");

  private BlendModels() {}

  public static void main(String[] args) throws IOException {
    StyleGanModel base;
    StyleGanModel donor;
    if (args.length >= 2) {
      base = ModelFiles.read(Path.of(args[0]));
      donor = ModelFiles.read(Path.of(args[1]));
    } else {
      System.out.println("No models given: using random-weight stand-ins (textures, not faces).");
      base = StandInModels.human(128);
      donor = StandInModels.toon(128);
    }
    long seed = args.length >= 3 ? Long.parseLong(args[2]) : 0;
    int[] blocks = NotebookBlend.topThreeBlocks(base.config());
    StyleGanModel blend = LayerBlender.swap(base, donor, blocks);

    List<BufferedImage> tiles = new ArrayList<>();
    for (StyleGanModel model : List.of(base, donor, blend)) {
      try (Generator generator = Generators.open(model)) {
        tiles.add(Images.toImages(generator.generate(List.of(seed), Truncation.of(0.7), Noise.CONST)).get(0));
      }
    }
    BufferedImage figure =
        new ImageGrid()
            .columnLabels("base", "donor", "blend " + Arrays.toString(blocks))
            .row("seed " + seed, tiles)
            .render();
    Images.writePng(figure, OUTPUT);
    System.out.println("wrote " + OUTPUT.toAbsolutePath());
  }
}
