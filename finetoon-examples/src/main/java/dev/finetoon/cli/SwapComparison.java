package dev.finetoon.cli;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Truncation;
import dev.finetoon.image.ImageGrid;
import dev.finetoon.image.Images;
import dev.finetoon.model.StyleGanModel;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The layer-swap comparison figure: one row per seed; columns base, donor, then for each cut resolution r above 4
 * "donor ≥ r" (the base with the donor's blocks from r up: Fine-Tooning's and Toonify's blend, the donor's texture and
 * colour on the base's face structure) and "donor < r" (the base with the donor's blocks below r: the donor's coarse
 * structure under the base's texture). Every column maps z with its own model's mapping network, which for blends is
 * the base's.
 */
final class SwapComparison {
  private SwapComparison() {}

  /** What the column labels mean, for a caption under the figure. */
  static final String LEGEND = "donor ≥ r: the base with the donor's blocks from resolution r up (Fine-Tooning's "
      + "blend); donor < r: the base with the donor's blocks below r.";

  /**
   * The figure; {@code progress} hears {@code [k/n] label} as each column is rendered. The column "donor ≥ {@code
   * savedCut}" is marked as the saved blend; 0 marks none.
   */
  static BufferedImage render(StyleGanModel base, StyleGanModel donor, List<Long> seeds, Truncation truncation,
      int savedCut, Consumer<String> progress) {
    Map<String, StyleGanModel> columns = columns(base, donor, savedCut);
    List<List<BufferedImage>> tiles = new ArrayList<>();
    // Base and donor stay open so that every blend reuses their compiled blocks.
    try (Generator baseGenerator = Generators.open(base);
        Generator donorGenerator = Generators.open(donor)) {
      for (Map.Entry<String, StyleGanModel> column : columns.entrySet()) {
        progress.accept("[" + (tiles.size() + 1) + "/" + columns.size() + "] " + column.getKey());
        StyleGanModel model = column.getValue();
        if (model == base || model == donor) {
          tiles.add(render(model == base ? baseGenerator : donorGenerator, seeds, truncation));
        } else {
          try (Generator blend = Generators.open(model)) {
            tiles.add(render(blend, seeds, truncation));
          }
        }
      }
    }
    ImageGrid grid = new ImageGrid().columnLabels(columns.keySet().toArray(String[]::new));
    for (int row = 0; row < seeds.size(); row++) {
      List<BufferedImage> cells = new ArrayList<>();
      for (List<BufferedImage> column : tiles) {
        cells.add(column.get(row));
      }
      grid.row("seed " + seeds.get(row), cells);
    }
    return grid.render();
  }

  /** The column labels and models, in figure order. */
  static Map<String, StyleGanModel> columns(StyleGanModel base, StyleGanModel donor, int savedCut) {
    Map<String, StyleGanModel> columns = new LinkedHashMap<>();
    columns.put("base", base);
    columns.put("donor", donor);
    for (int cut : base.config().blockResolutions()) {
      if (cut > 4) {
        columns.put("donor ≥ " + cut + (cut == savedCut ? " (saved blend)" : ""), swap(base, donor, r -> r >= cut));
        columns.put("donor < " + cut, swap(base, donor, r -> r < cut));
      }
    }
    return columns;
  }

  private static StyleGanModel swap(StyleGanModel base, StyleGanModel donor, IntPredicate fromDonor) {
    int[] blocks = base.config().blockResolutions().stream().mapToInt(Integer::intValue).filter(fromDonor).toArray();
    return LayerBlender.swap(base, donor, blocks);
  }

  private static List<BufferedImage> render(Generator generator, List<Long> seeds, Truncation truncation) {
    return Images.toImages(new BatchRenderer(generator, truncation, Noise.CONST, null).images(seeds));
  }
}
