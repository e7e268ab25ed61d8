package dev.finetoon.cli;

import dev.finetoon.LayerBlender;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finetoon blend}: the base generator with some synthesis blocks swapped for (or interpolated toward) the
 * donor's, written as finetoon safetensors. The mapping network and {@code w_avg} stay the base's.
 */
@Command(
    name = "blend",
    description = "Swap or interpolate synthesis blocks of the base with the donor's.")
final class BlendCommand extends CliCommand {
  @Option(names = "--base", required = true, paramLabel = "FILE", description = "The generator to start from.")
  private Path base;

  @Option(names = "--donor", required = true, paramLabel = "FILE", description = "The generator blocks come from.")
  private Path donor;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private Recipe recipe;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The blended model (safetensors; replaced if present).")
  private Path out;

  /** Whole blocks or per-block interpolation. */
  static final class Recipe {
    @Option(
        names = "--blocks",
        split = ",",
        paramLabel = "RES",
        description = "Block resolutions to take whole from the donor, e.g. 64,128,256.")
    private List<Integer> blocks;

    @Option(
        names = "--alpha",
        split = ",",
        paramLabel = "RES=A",
        description = "Per-block weight of the donor in [0, 1], e.g. 32=0.5,64=1.")
    private Map<Integer, Double> alphas;
  }

  @Override
  void run() throws IOException {
    OutputPaths.checkFile("--out", out);
    StyleGanModel baseModel = readModel(base);
    StyleGanModel donorModel = readModel(donor);
    StyleGanModel blend;
    if (recipe.blocks != null) {
      blend = LayerBlender.swap(baseModel, donorModel, recipe.blocks.stream().mapToInt(Integer::intValue).toArray());
    } else {
      blend = LayerBlender.interpolate(baseModel, donorModel, recipe.alphas);
    }
    ModelFiles.write(blend, out);
    String alphas = blend.provenance().get("blend.alpha");
    out().printf("wrote %s: %s with donor blocks %s (block=donor weight) from %s%n", out, base, alphas, donor);
  }
}
