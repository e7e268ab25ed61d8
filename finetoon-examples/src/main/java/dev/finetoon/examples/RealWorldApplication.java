package dev.finetoon.examples;

import dev.finetoon.Toonifier;
import dev.finetoon.image.Images;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.ProjectionOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Notebook 3 of Fine-Tooning, the real-world application: project a photo into the face model, give the face model
 * the toon model's top three synthesis blocks, and redraw the projected w with that blend.
 *
 * <pre>
 * RealWorldApplication ffhq.pkl toon.pkl vgg16.pt me.jpg [OUTDIR]
 * </pre>
 *
 * <p>Writes {@code target.png} (the aligned photo), {@code reconstruction.png} (the face model's rendering of the
 * projected w) and {@code toonified.png} to OUTDIR (default: the working directory). NVIDIA's 1000 projection steps
 * take minutes on a CPU.
 */
public final class RealWorldApplication {
  private static final String USAGE =
      "usage: RealWorldApplication BASE TOON VGG PHOTO [OUTDIR]\n"
          + "  BASE   the face model (.pkl or finetoon safetensors)\n"
          + "  TOON   its cartoon fine-tune; its top three blocks are blended into BASE\n"
          + "  VGG    the LPIPS feature network, NVIDIA's metrics/vgg16.pt\n"
          + "  PHOTO  a photo; its largest face is found and FFHQ-aligned by the built-in detector\n"
          + "  OUTDIR where target.png, reconstruction.png and toonified.png go (default: .)";

  private RealWorldApplication() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4 || args.length > 5) {
      System.out.println(USAGE);
      return;
    }
    StyleGanModel base = ModelFiles.read(Path.of(args[0]));
    StyleGanModel toon = ModelFiles.read(Path.of(args[1]));
    Path outdir = Path.of(args.length == 5 ? args[4] : ".");
    int[] blocks = NotebookBlend.topThreeBlocks(base.config());
    System.out.println("blending blocks " + Arrays.toString(blocks) + " of the toon model into the face model");
    ProjectionOptions options = ProjectionOptions.defaults();
    try (Toonifier toonifier = Toonifier.builder().base(base).blend(toon, blocks).featureNetwork(Path.of(args[2]))
        .projection(options).build()) {
      int every = Math.max(1, options.schedule().steps() / 10);
      Toonifier.Result result = toonifier.toonify(PhotoReader.defaults().read(Path.of(args[3])),
          (step, steps, distance, loss) -> {
            if ((step + 1) % every == 0) {
              System.out.printf("step %d/%d: dist %.4f%n", step + 1, steps, distance);
            }
            return true;
          });
      Images.writePng(result.target(), outdir.resolve("target.png"));
      Images.writePng(result.reconstruction(), outdir.resolve("reconstruction.png"));
      Images.writePng(result.toonified(), outdir.resolve("toonified.png"));
      System.out.printf("wrote target.png, reconstruction.png and toonified.png to %s (projection took %d s)%n",
          outdir.toAbsolutePath(), result.projectionTime().toSeconds());
    }
  }
}
