package dev.finetoon.cli;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Inverter;
import dev.finetoon.Noise;
import dev.finetoon.Projector;
import dev.finetoon.Tensor;
import dev.finetoon.encoder.EncoderNet;
import dev.finetoon.face.FfhqAligner;
import dev.finetoon.face.GivenLandmarks;
import dev.finetoon.image.CenterCrop;
import dev.finetoon.image.Images;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;

import java.awt.image.BufferedImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code finetoon project}: NVIDIA's {@code projector.py}. Writes {@code target.png} (the photo centre cropped, or
 * FFHQ-aligned from landmarks, at the model's resolution), {@code projected_w.npz} (key {@code w}, {@code [1, num_ws,
 * w_dim]}) and {@code proj.png} (its rendering with const noise); {@code --save-video} adds {@code proj.gif}. With
 * {@code --encoder}, a pSp / e4e checkpoint inverts the photo in one pass instead (W+, {@code --refine-steps N}
 * refines it).
 */
@Command(
    name = "project",
    description = "Project a photo into a generator's w space, as NVIDIA's projector.py.")
final class ProjectCommand extends CliCommand {
  @Option(names = "--network", required = true, paramLabel = "FILE", description = "The generator to project into.")
  private Path network;

  @Option(names = "--target", required = true, paramLabel = "PHOTO", description = "The photo (PNG, JPEG, …).")
  private Path target;

  @Option(names = "--outdir", required = true, paramLabel = "DIR", description = "Where the results go.")
  private Path outdir;

  @Mixin private ProjectionCliOptions projection;

  @Mixin private EncoderCliOptions encoder;

  @Option(
      names = "--save-video",
      description = "Also write proj.gif: target | rendering every " + ProjectionVideo.STRIDE + " steps.")
  private boolean saveVideo;

  @Override
  void run() throws Exception {
    OutputPaths.checkFolder("--outdir", outdir);
    StyleGanModel model = readModel(network);
    RgbImage photo = PhotoReader.defaults().read(target);
    // an encoder reads faces at 256x256 whatever the model's resolution, so it gets them at least that large
    int resolution = encoder.given() ? Math.max(model.config().imgResolution(), EncoderNet.INPUT_SIZE)
        : model.config().imgResolution();
    Optional<Path> landmarks = projection.landmarks();
    RgbImage aligned = landmarks.isPresent()
        ? FfhqAligner.of(resolution).align(photo, GivenLandmarks.read(landmarks.get()).locate(photo).orElseThrow())
        : CenterCrop.resized(photo, resolution);
    if (saveVideo && encoder.given()) {
      throw new ParameterException(spec.commandLine(), "--save-video shows a projection's steps; it does not go with"
          + " --encoder");
    }
    // resolved before anything is written, so that a missing network leaves no output folder behind
    Path featureNetwork = encoder.given() && !encoder.refines() ? null : projection.featureNetwork(resolver());
    Files.createDirectories(outdir);
    BufferedImage targetImage = aligned.toBufferedImage();
    Images.writePng(targetImage, outdir.resolve("target.png"));
    progress("target: " + outdir.resolve("target.png") + " (" + (landmarks.isPresent() ? "FFHQ-aligned" : "centre crop")
        + ", " + resolution + "x" + resolution + ")");

    Projection projected;
    try (Inverter inverter = encoder.given()
        ? encoder.open(model, featureNetwork, this::progress)
        : Projector.builder().model(model).featureNetwork(featureNetwork)
            .options(projection.options().withKeepSteps(saveVideo)).build()) {
      projected = inverter.invert(aligned, new ProjectionProgress(this::progress));
    }
    Path npz = outdir.resolve("projected_w.npz");
    projected.writeNpz(npz);
    progress("projected w: " + npz);

    try (Generator generator = Generators.open(model)) {
      Tensor ws = projected.ws();
      Path png = outdir.resolve("proj.png");
      Tensor image = generator.synthesis(ws.reshape(1, ws.dim(0), ws.dim(1)), Noise.CONST);
      Images.writePng(Images.toImages(image).get(0), png);
      progress("rendering: " + png);
      if (saveVideo) {
        Path gif = outdir.resolve("proj.gif");
        int frames = ProjectionVideo.write(gif, targetImage, projected.wPerStep(), generator);
        progress("video: " + gif + " (" + frames + " frames)");
      }
    }
  }
}
