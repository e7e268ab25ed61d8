package dev.finetoon.cli;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Projector;
import dev.finetoon.Toonifier;
import dev.finetoon.Truncation;
import dev.finetoon.examples.NotebookBlend;
import dev.finetoon.examples.StandInModels;
import dev.finetoon.image.CenterCrop;
import dev.finetoon.image.ImageGrid;
import dev.finetoon.image.Images;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.resource.CachedResource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finetoon demo}: what finetoon does, on what is at hand. Always real: face-api.js's detector and 68 landmarks
 * and the FFHQ alignment, run on a photo bundled in the jar ({@code faces.png}, {@code aligned.png}). Without {@code
 * --real}, the models are two random-weight stand-ins (base and donor) whose pictures are textures, not faces, and
 * say so on themselves: the layer-swap figure, a few images of each model and the saved blend; the projection runs
 * too where NVIDIA's {@code vgg16.pt} is cached. With {@code --real}, NVIDIA's {@code ffhq.pkl} and {@code
 * metfaces.pkl} (and {@code vgg16.pt}) are pulled from the catalogue (about 1.26 GB) and the photo's main face is
 * toonified with them.
 */
@Command(
    name = "demo",
    description = {
      "Show finetoon's parts: the face pipeline on a bundled photo, then blending on",
      "two random-weight stand-in models, or with --real a toonify of the photo with",
      "NVIDIA's ffhq and metfaces (downloads about 1.26 GB into the cache)."
    })
final class DemoCommand extends CliCommand {
  private static final List<Long> SEEDS = List.of(0L, 1L, 2L, 3L);
  private static final Truncation TRUNCATION = Truncation.of(0.7);
  private static final String STAND_IN = "random-weight stand-in models: textures, not faces";
  private static final String LAUNCHER = "bin/finetoon";

  @Option(names = "--outdir", required = true, paramLabel = "DIR", description = "Where everything goes.")
  private Path outdir;

  @Option(names = "--real", description = "Pull ffhq, metfaces and vgg16 from the catalogue and toonify the photo.")
  private boolean real;

  @Option(
      names = "--num-steps",
      defaultValue = "200",
      paramLabel = "N",
      description = "Projection steps (default: ${DEFAULT-VALUE}; NVIDIA's projector takes 1000).")
  private int steps;

  @Option(names = "--size", hidden = true, defaultValue = "128", description = "Stand-in resolution (for tests).")
  private int size;

  @Override
  void run() throws IOException {
    OutputPaths.checkFolder("--outdir", outdir);
    Files.createDirectories(outdir);
    DemoPhoto photo = facePipeline();
    if (real) {
      toonifyWithNvidiasModels(photo);
    } else {
      standIns(photo);
    }
  }

  /** The real face pipeline on the bundled photo: faces.png and aligned.png. */
  private DemoPhoto facePipeline() throws IOException {
    progress("face pipeline (real): face-api.js's detector and 68 landmarks on the bundled " + DemoPhoto.NAME);
    DemoPhoto photo = DemoPhoto.detect();
    Path faces = outdir.resolve("faces.png");
    Images.writePng(Caption.below(photo.annotated(), "REAL: face-api.js's detector and 68 landmarks (finetoon-onnx) "
        + "found " + photo.faces.size() + " faces; green: the main face (box area × score × frontality), which "
        + "toonify aligns. Photo: face-api.js demo sample1.jpg (MIT)."), faces);
    Path aligned = outdir.resolve("aligned.png");
    Images.writePng(Caption.below(photo.aligned(256).toBufferedImage(),
        "REAL: the main face FFHQ-aligned (256²), as NVIDIA's training faces were cropped."), aligned);
    progress("  " + photo.faces.size() + " faces: " + faces + "; the main face aligned: " + aligned);
    return photo;
  }

  private void standIns(DemoPhoto photo) throws IOException {
    StyleGanModel base = StandInModels.human(size);
    StyleGanModel donor = StandInModels.toon(size);
    int[] blocks = NotebookBlend.topThreeBlocks(base.config());
    progress("NOTE: from here on 'base' and 'donor' are " + STAND_IN + " (RandomModels seeds "
        + StandInModels.HUMAN_SEED + " and " + StandInModels.TOON_SEED + "). For trained ones: " + LAUNCHER
        + " demo --real");
    progress(size + "x" + size + " stand-ins; blend = base with the donor's blocks " + Arrays.toString(blocks));
    StyleGanModel blend = LayerBlender.swap(base, donor, blocks);
    Path blendFile = outdir.resolve("blend.safetensors");
    ModelFiles.write(blend, blendFile);

    Path figure = outdir.resolve("comparison.png");
    // Open for the whole run, the stand-ins compile once: the comparison and the blend reuse their blocks.
    try (Generator baseGenerator = Generators.open(base);
        Generator donorGenerator = Generators.open(donor);
        Generator blendGenerator = Generators.open(blend)) {
      BufferedImage swaps = SwapComparison.render(base, donor, SEEDS, TRUNCATION, blocks[0], this::progress);
      Images.writePng(Caption.below(swaps, "base, donor: " + STAND_IN + ".", SwapComparison.LEGEND,
          "(saved blend): blend.safetensors, the donor's blocks " + Arrays.toString(blocks) + "."), figure);
      writeImages(baseGenerator, "base", "stand-in base");
      writeImages(donorGenerator, "donor", "stand-in donor");
      writeImages(blendGenerator, "blend", "blend of the stand-ins");
    }
    projectIfVggIsCached(photo, base);

    progress("comparison figure: " + figure);
    progress("images: " + outdir.resolve("base") + ", " + outdir.resolve("donor") + ", " + outdir.resolve("blend"));
    progress("blended model: " + blendFile + " (try: " + LAUNCHER + " info " + blendFile + ")");
  }

  /** The projection is real whatever the model; it needs NVIDIA's feature network, which is not downloaded here. */
  private void projectIfVggIsCached(DemoPhoto photo, StyleGanModel base) throws IOException {
    Path vgg = resolver().locate(CachedResource.LPIPS_VGG16);
    if (!Files.isRegularFile(vgg)) {
      progress("projection: skipped, it needs NVIDIA's vgg16.pt (528 MB, not in " + vgg.getParent() + "): "
          + LAUNCHER + " models pull vgg16");
      return;
    }
    progress("projection (real optimisation, stand-in model) of the aligned face, " + steps + " steps:");
    RgbImage target = CenterCrop.resized(photo.aligned(256), size);
    Projection projection;
    try (Projector projector = Projector.builder().model(base).featureNetwork(vgg)
        .options(ProjectionOptions.defaults().withSteps(steps)).build()) {
      projection = projector.project(target.toTensor(), new ProjectionProgress(this::progress));
    }
    try (Generator generator = Generators.open(base)) {
      BufferedImage rendering = Images.toImages(generator.synthesis(
          projection.ws().reshape(1, projection.ws().dim(0), projection.ws().dim(1)), Noise.CONST)).get(0);
      Path file = outdir.resolve("projection.png");
      Images.writePng(Caption.below(new ImageGrid().columnLabels("target", "projected").row("",
          target.toBufferedImage(), rendering).render(), "REAL projection (NVIDIA's projector, " + steps
          + " steps) into the stand-in base, whose random weights can only answer with a texture."), file);
      progress("projection: " + file);
    }
  }

  /** {@code --real}: NVIDIA's models from the catalogue, and the photo's main face toonified with them. */
  private void toonifyWithNvidiasModels(DemoPhoto photo) throws IOException {
    StyleGanModel ffhq = ModelFiles.read(pull("ffhq"));
    StyleGanModel metfaces = ModelFiles.read(pull("metfaces"));
    Path vgg = pull("vgg16");
    int[] blocks = NotebookBlend.topThreeBlocks(ffhq.config());
    progress("toonify (real): project the main face into ffhq (" + steps + " steps), redraw it with metfaces' blocks "
        + Arrays.toString(blocks));
    Toonifier.Result result;
    try (Toonifier toonifier = Toonifier.builder().base(ffhq).blend(metfaces, blocks).featureNetwork(vgg)
        .projection(ProjectionOptions.defaults().withSteps(steps)).build()) {
      result = toonifier.toonify(photo.photo, new ProjectionProgress(this::progress));
    }
    Path dir = outdir.resolve("real");
    Images.writePng(result.target(), dir.resolve("target.png"));
    Images.writePng(result.reconstruction(), dir.resolve("reconstruction.png"));
    Images.writePng(result.toonified(), dir.resolve("toonified.png"));
    Path figure = dir.resolve("toonify.png");
    Images.writePng(Caption.below(new ImageGrid().columnLabels("aligned photo", "ffhq's reconstruction",
        "with metfaces' blocks").row("", result.target(), result.reconstruction(), result.toonified()).render(),
        "REAL: NVIDIA's ffhq.pkl and metfaces.pkl (stylegan2-ada-pytorch, non-commercial licence); the face projected "
            + "into ffhq's W in " + steps + " steps, then drawn by ffhq with metfaces' blocks "
            + Arrays.toString(blocks) + "."), figure);
    progress("toonified: " + figure + " (and target.png, reconstruction.png, toonified.png in " + dir + ")");
    progress("next: " + LAUNCHER + " compare --base ffhq --donor metfaces --seeds 0-3 --out grid.png");
  }

  /** Each seed's image, captioned as what it is. */
  private void writeImages(Generator generator, String dir, String what) throws IOException {
    List<BufferedImage> images =
        Images.toImages(new BatchRenderer(generator, TRUNCATION, Noise.CONST, null).images(SEEDS));
    for (int i = 0; i < SEEDS.size(); i++) {
      Images.writePng(Caption.below(images.get(i), what + ", seed " + SEEDS.get(i) + ": " + STAND_IN),
          outdir.resolve(dir).resolve(GenerateCommand.seedFileName(SEEDS.get(i))));
    }
  }
}
