package dev.finetoon.cli;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.SeedList;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code finetoon compare}: the layer-swap comparison figure of {@link SwapComparison} as a PNG. */
@Command(
    name = "compare",
    description = {
      "Draw the layer-swap comparison figure of two generators.",
      "One row per seed; columns base, donor, and for each cut resolution r",
      "'donor ≥ r' (the donor's blocks from r up, Fine-Tooning's blend) and",
      "'donor < r' (the donor's blocks below r)."
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

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The figure: .png or .jpg (replaced if present).")
  private Path out;

  @Override
  void run() throws IOException {
    OutputPaths.checkFile("--out", out);
    String format = OutputPaths.extension(out).equals("jpeg") ? "jpg" : OutputPaths.extension(out);
    checkArgument(format.equals("png") || format.equals("jpg"), "--out %s: give a .png or .jpg file name", out);
    List<Long> seedList = SeedList.parse(seeds);
    Arguments.psi(psi);
    StyleGanModel baseModel = readModel(base);
    StyleGanModel donorModel = readModel(donor);
    BufferedImage figure = Caption.below(
        SwapComparison.render(baseModel, donorModel, seedList, Truncation.of(psi), 0, this::progress),
        "base: " + base + "; donor: " + donor + ".", SwapComparison.LEGEND);
    if (format.equals("png")) {
      Images.writePng(figure, out);
    } else {
      Images.writeJpeg(figure, out);
    }
    out().println("figure: " + out);
  }
}
