package dev.finetoon.cli;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.EncoderInverter;
import dev.finetoon.Toonifier;
import dev.finetoon.examples.NotebookBlend;
import dev.finetoon.face.GivenLandmarks;
import dev.finetoon.face.NoFaceFoundException;
import dev.finetoon.image.Images;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code finetoon toonify}: a photo's face found and FFHQ-aligned (by the built-in detector, given landmarks, or not at
 * all with {@code --centre-crop}), projected into the base model and redrawn by a blend (base with the donor's
 * blocks) or by an already blended or fine-tuned model. Writes {@code target.png}, {@code reconstruction.png} (the
 * base model's rendering of the projected w), {@code toonified.png} and {@code projected_w.npz}; with {@code
 * --all-faces}, one folder {@code face1}, {@code face2}, … of them per face, largest first. With {@code --encoder} a
 * pSp / e4e checkpoint inverts the face in one pass instead of the projection ({@code --refine-steps N} refines it).
 */
@Command(
    name = "toonify",
    description = "Project a photo into the base model and redraw it with a blended or fine-tuned model.")
final class ToonifyCommand extends CliCommand {
  @Option(names = "--base", required = true, paramLabel = "FILE", description = "The human model.")
  private Path base;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private ToonModel toon;

  @Option(names = "--photo", required = true, paramLabel = "PHOTO", description = "The photo (PNG, JPEG, …).")
  private Path photo;

  @Mixin private ProjectionCliOptions projection;

  @Mixin private EncoderCliOptions encoder;

  @Option(names = "--outdir", required = true, paramLabel = "DIR", description = "Where the results go.")
  private Path outdir;

  @Option(names = "--centre-crop", description = "Project the centre-cropped photo: no face detection or alignment.")
  private boolean centreCrop;

  @Option(names = "--all-faces", description = "Toonify every face in the photo (folders face1, face2, …), not only"
      + " the largest.")
  private boolean allFaces;

  /** A blend made here, or a finished model. */
  static final class ToonModel {
    @ArgGroup(exclusive = false, multiplicity = "1")
    private Blend blend;

    @Option(names = "--network", paramLabel = "FILE", description = "An already blended or fine-tuned toon model.")
    private Path network;
  }

  /** The donor and the blocks taken from it. */
  static final class Blend {
    @Option(names = "--donor", required = true, paramLabel = "FILE", description = "The toon model to blend in.")
    private Path donor;

    @Option(
        names = "--blocks",
        split = ",",
        paramLabel = "RES",
        description = "Block resolutions taken from the donor (default: the top three, e.g. 64,128,256).")
    private List<Integer> blocks;
  }

  @Override
  void run() throws Exception {
    long start = System.nanoTime();
    OutputPaths.checkFolder("--outdir", outdir);
    checkArgument(!centreCrop || projection.landmarks().isEmpty(),
        "give --landmarks FILE.json or --centre-crop, not both: --centre-crop aligns no face");
    StyleGanModel baseModel = readModel(base);
    Toonifier.Builder builder = Toonifier.builder().base(baseModel);
    if (toon.network != null) {
      builder.fineTuned(readModel(toon.network));
    } else {
      int[] blocks = NotebookBlend.givenOrTopThree(baseModel.config(), toon.blend.blocks);
      builder.blend(readModel(toon.blend.donor), blocks);
      progress("blend: " + base + " with blocks " + Arrays.toString(blocks) + " of " + toon.blend.donor);
    }
    if (centreCrop) {
      builder.centreCrop();
    } else if (projection.landmarks().isPresent()) {
      builder.landmarker(GivenLandmarks.read(projection.landmarks().get()));
    }
    EncoderInverter inverter = null;
    if (encoder.given()) {
      inverter = encoder.open(baseModel, encoder.refines() ? projection.featureNetwork(resolver()) : null,
          this::progress);
      builder.inverter(inverter);
    } else {
      builder.featureNetwork(projection.featureNetwork(resolver())).projection(projection.options());
    }
    RgbImage image = PhotoReader.defaults().read(photo);
    List<Toonifier.Result> results;
    try (Toonifier toonifier = builder.build()) {
      ProjectionProgress listener = new ProjectionProgress(this::progress);
      results = allFaces ? toonifier.toonifyAll(image, listener) : List.of(toonifier.toonify(image, listener));
    } catch (NoFaceFoundException e) {
      throw new NoFaceFoundException("no face found in " + photo + "; give its landmarks with --landmarks FILE.json,"
          + " or --centre-crop to project the whole photo");
    } finally {
      if (inverter != null) {
        inverter.close();
      }
    }
    for (int i = 0; i < results.size(); i++) {
      Path dir = allFaces ? outdir.resolve("face" + (i + 1)) : outdir;
      Toonifier.Result result = results.get(i);
      Images.writePng(result.target(), dir.resolve("target.png"));
      Images.writePng(result.reconstruction(), dir.resolve("reconstruction.png"));
      Images.writePng(result.toonified(), dir.resolve("toonified.png"));
      result.projection().writeNpz(dir.resolve("projected_w.npz"));
      progress("wrote target.png, reconstruction.png, toonified.png and projected_w.npz to " + dir);
      progress(String.format("time: %s %s, rendering %s", encoder.given() ? "inversion" : "projection",
          seconds(result.projectionTime()),
          seconds(result.renderTime())));
    }
    progress("total " + seconds(Duration.ofNanos(System.nanoTime() - start)));
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toNanos() / 1e9);
  }
}
