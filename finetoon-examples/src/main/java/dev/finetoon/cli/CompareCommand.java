package dev.finetoon.cli;

import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.SeedList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code finetoon compare}: the layer-swap comparison figure of {@link SwapComparison} as a PNG. */
@Command(
    name = "compare",
    description = {
      "Draw the layer-swap comparison figure of two generators: one row per seed;",
      "columns base, donor, and for each cut resolution r 'swap ≥ r' (the donor's",
      "blocks from r up) and 'toonify < r' (the donor's blocks below r)."
    })
final class CompareCommand extends CliCommand {
  @Option(names = "--base", required = true, paramLabel = "FILE", description = "The generator to start from.")
  private Path base;

  @Option(names = "--donor", required = true, paramLabel = "FILE", description = "The generator blocks come from.")
  private Path donor;

  @Option(names = "--seeds", required = true, paramLabel = "LIST", description = "Seeds, one row each, e.g. 0-3.")
  private String seeds;

  @Option(
      names = "--trunc",
      defaultValue = "1",
      paramLabel = "PSI",
      description = "Truncation psi (default: ${DEFAULT-VALUE}).")
  private double psi;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The figure (PNG).")
  private Path out;

  @Override
  void run() throws IOException {
    List<Long> seedList = SeedList.parse(seeds);
    StyleGanModel baseModel = ModelFiles.read(base);
    StyleGanModel donorModel = ModelFiles.read(donor);
    Images.writePng(SwapComparison.render(baseModel, donorModel, seedList, Truncation.of(psi), this::progress), out);
    out().println("figure: " + out);
  }
}
