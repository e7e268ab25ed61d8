package com.example.generate;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code GenerateApp BASE TOON}: blends the toon model's top blocks into the base and draws two seeds. */
public final class GenerateApp {
  private GenerateApp() {}

  public static void main(String[] args) throws IOException {
    StyleGanModel base = ModelFiles.read(Path.of(args[0]));
    StyleGanModel toon = ModelFiles.read(Path.of(args[1]));
    try (Generator g = Generators.open(LayerBlender.swap(16, 32).blend(base, toon))) {
      Tensor images = g.generate(List.of(0L, 1L), Truncation.of(0.7), Noise.CONST);
      System.out.println("generated " + images);
    }
  }
}
