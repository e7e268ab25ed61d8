package com.example.toonify;

import dev.finetoon.Toonifier;
import dev.finetoon.image.Images;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.project.ProjectionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A host application as a finetoon user writes it, built against the installed artifacts by its own pom.
 *
 * <p>{@code HostApp BASE.pkl TOON.pkl PHOTO OUTDIR}: first the card's call, verbatim, on a 256² human/toon pair
 * (random-weight stand-ins made with finetoon's {@code RandomModels}: the card's blocks 64, 128 and 256 need a 256²
 * model), then one Toonifier session kept open for several photos, on the given (tiny reference) models. The LPIPS
 * network comes from the resource cache ({@code -Dfinetoon.cache.dir}); nothing is downloaded
 * ({@code -Dfinetoon.offline=true}).
 */
public final class HostApp {
  private HostApp() {}

  public static void main(String[] args) throws IOException {
    Path photo = Path.of(args[2]);
    Path outdir = Files.createDirectories(Path.of(args[3]));

    StyleGanModel ffhq = RandomModels.create(standIn(256), 1);
    StyleGanModel webtoon = RandomModels.create(standIn(256), 2);
    Path img = photo;
    // The card's call. The one-shot form leaves the Toonifier to the JVM's exit; a server keeps one open (below).
    Toonifier.Result card = Toonifier.builder().base(ffhq).blend(webtoon, 64, 128, 256).build().toonify(img);
    Images.writePng(card.toonified(), outdir.resolve("card-toonified.png"));
    System.out.printf("card call: %dx%d toon in %d ms of projection%n", card.toonified().getWidth(),
        card.toonified().getHeight(), card.projectionTime().toMillis());

    StyleGanModel base = ModelFiles.read(Path.of(args[0]));
    StyleGanModel toon = ModelFiles.read(Path.of(args[1]));
    try (Toonifier toonifier = Toonifier.builder()
        .base(base)
        .blend(toon, 16, 32)
        .projection(ProjectionOptions.defaults().withSteps(50))
        .build()) {
      for (int i = 1; i <= 3; i++) {
        Toonifier.Result result = toonifier.toonify(photo);
        Path out = outdir.resolve("session-" + i + ".png");
        Images.writePng(result.toonified(), out);
        System.out.printf("session photo %d: final loss %.4f -> %s%n", i,
            result.projection().losses().get(result.projection().losses().size() - 1), out);
      }
    }
    System.out.println("host app: done");
  }

  /** A narrow 256² generator: 64-d latents, 2 mapping layers, at most 16 channels. */
  private static GeneratorConfig standIn(int resolution) {
    return GeneratorConfig.builder(64, 64, resolution)
        .mapping(MappingConfig.defaults(64, 0).withNumLayers(2))
        .synthesis(new SynthesisConfig(
            512, 16, 0, OptionalDouble.of(256), SynthesisConfig.SKIP, List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }
}
