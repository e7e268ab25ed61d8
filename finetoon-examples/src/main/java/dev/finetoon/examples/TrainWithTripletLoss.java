package dev.finetoon.examples;

import dev.finetoon.FaceEncoder;
import dev.finetoon.LayerBlender;
import dev.finetoon.Tensor;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.image.Images;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.train.TorchScriptFaceEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Notebook 2 of Fine-Tooning: blend the toon model's top three blocks into the face model, then fine-tune the blend
 * with the triplet loss so that its faces keep the face model's identity (anchor = blend, positive = face model,
 * negative = the face model with one toon block more), with the notebook's settings: 100 seeds, one epoch, Adam lr
 * 1e-5, ψ 0.7, random noise, and the cosine distance its README describes.
 *
 * <pre>
 * TrainWithTripletLoss ffhq.pkl toon.pkl [fine-tuned.safetensors [facenet.pt]]
 * </pre>
 *
 * <p>Writes the fine-tuned model and, beside it, the preview seed 28 after each epoch.
 */
public final class TrainWithTripletLoss {
  private static final String USAGE = """
      usage: TrainWithTripletLoss HUMAN TOON [OUT [ENCODER]]
        HUMAN    face generator (NVIDIA .pkl or finetoon safetensors), e.g. ffhq-res256
        TOON     its cartoon fine-tune, same architecture
        OUT      the fine-tuned model (default: fine-tuned.safetensors)
        ENCODER  a TorchScript face encoder taking images [N, 3, R, R] in [-1, 1], e.g. facenet-pytorch's
                 InceptionResnetV1 saved with torch.jit.freeze(torch.jit.script(model.eval()));
                 default: the built-in face descriptor (face-api.js's port of dlib's ResNet)
      The same run from the command line:
        finetoon fine-tune --base HUMAN --donor TOON --blocks 64,128,256 [--encoder ENCODER] --out OUT""";

  private TrainWithTripletLoss() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.out.println(USAGE);
      return;
    }
    if (args.length < 2 || args.length > 4) {
      System.err.println(USAGE);
      System.exit(2);
    }
    StyleGanModel human = ModelFiles.read(Path.of(args[0]));
    StyleGanModel toon = ModelFiles.read(Path.of(args[1]));
    Path out = Path.of(args.length >= 3 ? args[2] : "fine-tuned.safetensors");
    LayerBlender blend = LayerBlender.swap(NotebookBlend.topThreeBlocks(human.config()));
    System.out.println("anchor: toon blocks " + blend.alphas().keySet()
        + "; negative: " + blend.withNextLowerBlock(human.config()).alphas().keySet());
    // The notebook's negative (one block more from the toon model) and the built-in face descriptor are the defaults.
    TripletFineTuner.Builder session = TripletFineTuner.builder().base(human).donor(toon).blend(blend);
    try (FaceEncoder encoder = args.length == 4 ? TorchScriptFaceEncoder.load(Path.of(args[3])) : null;
        TripletFineTuner tuner = (encoder != null ? session.encoder(encoder) : session).build()) {
      StyleGanModel tuned = tuner.run(new Report(out)).model();
      ModelFiles.write(tuned, out);
    }
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** Prints the loss every ten steps and each epoch's mean, and saves the previews beside the output. */
  private record Report(Path out) implements FineTuneListener {
    @Override
    public boolean onStep(Step step) {
      if ((step.step() + 1) % 10 == 0) {
        System.out.printf("step %d/%d: loss %.4f (d(a,p) %.4f, d(a,n) %.4f)%n",
            step.step() + 1, step.totalSteps(), step.loss(), step.anchorPositive(), step.anchorNegative());
      }
      return true;
    }

    @Override
    public void onEpoch(int epoch, double meanLoss, Tensor preview) {
      Path file = out.resolveSibling(String.format("preview-epoch%d-seed28.png", epoch + 1));
      try {
        Images.writePng(Images.toImages(preview).get(0), file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      System.out.printf("epoch %d: mean loss %.5f, preview %s%n", epoch + 1, meanLoss, file);
    }
  }
}
