package dev.finetoon.cli;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.Lists;
import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Truncation;
import dev.finetoon.examples.NotebookBlend;
import dev.finetoon.image.ImageGrid;
import dev.finetoon.image.Images;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.onnx.SessionSettings;
import dev.finetoon.onnx.face.DetectedFace;
import dev.finetoon.onnx.face.FaceApi;
import dev.finetoon.onnx.face.FfhqFaces;
import dev.finetoon.seed.SeedList;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finetoon evaluate}: how well a toon model keeps a person's identity, the property Fine-Tooning's triplet
 * fine-tune aims at but never measures. The measure is the Euclidean distance between face-api.js descriptors (dlib's
 * face recognition ResNet, {@link FaceApi}); face-api's rule of thumb reads under {@value #SAME_PERSON} as the same
 * person. Either the human model's and the toon model's face for the same seeds, or a photo and its toonified result.
 * Generator outputs and toonify's crops are FFHQ-aligned, so their descriptor crop is known without a detector
 * ({@link FfhqFaces}); {@code --detect} finds the face instead, which random test models do not have.
 *
 * <pre>{@code
 * finetoon evaluate --base ffhq.pkl --donor toon.pkl --blocks 64,128,256 --seeds 0-15 --out identity.png
 * finetoon evaluate --base ffhq.pkl --network tuned.safetensors --seeds 0-15 --detect
 * finetoon evaluate --photo me.jpg --toonified out/toonified.png --aligned out/target.png
 * }</pre>
 *
 * <p>Argument errors are one line ({@code finetoon: error: …}, exit 1): the two modes share no option, which
 * picocli's groups would report as a usage page.
 */
@Command(
    name = "evaluate",
    customSynopsis = {
      "finetoon evaluate --base FILE (--donor FILE [--blocks RES,...] | --network",
      "    FILE) --seeds LIST [--trunc PSI] [--out FILE] [--detect]",
      "finetoon evaluate (--photo PHOTO | --aligned FILE | both) --toonified FILE",
      "    [--detect]"
    },
    description = {
      "Measure how well a toon model keeps identity (face-api.js descriptors).",
      "The distance between dlib face ResNet descriptors (under 0.6: the same person",
      "by face-api's rule of thumb) of the human and the toon model's face for each",
      "seed (same z, psi, const noise), or of a photo and its toonified result.",
      "Generator outputs are FFHQ-aligned faces: each is described through the crop",
      "face-api takes around eyes and mouth, at its FFHQ place; --detect runs the",
      "detector instead and says when it finds no face."
    })
final class EvaluateCommand extends CliCommand {
  /** face-api's rule of thumb: descriptors closer than this belong to the same person. */
  static final double SAME_PERSON = 0.6;
  /** The truncation of the Fine-Tooning notebooks' renders and fine-tune. */
  private static final double DEFAULT_PSI = 0.7;

  @Option(names = "--base", paramLabel = "FILE", description = "The human model.")
  private Path base;

  @Option(names = "--donor", paramLabel = "FILE", description = "A toon model to blend into the base (with --blocks).")
  private Path donor;

  @Option(
      names = "--blocks",
      split = ",",
      paramLabel = "RES",
      description = "Block resolutions taken from the donor (default: the top three, e.g. 64,128,256).")
  private List<Integer> blocks;

  @Option(names = "--network", paramLabel = "FILE", description = "An already blended or fine-tuned toon model.")
  private Path network;

  @Option(names = "--seeds", paramLabel = "LIST", description = "Seeds, one row each, e.g. 0-15.")
  private String seeds;

  @Option(names = "--trunc", paramLabel = "PSI", description = "Truncation psi (default: 0.7, the fine-tune's).")
  private Double psi;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Also draw a grid (PNG): rows seeds, columns human | toon.")
  private Path out;

  @Option(names = "--photo", paramLabel = "PHOTO", description = "A photo; its main face (toonify's) is described.")
  private Path photo;

  @Option(names = "--aligned", paramLabel = "FILE", description = "The photo's aligned crop (toonify's target.png).")
  private Path aligned;

  @Option(names = "--toonified", paramLabel = "FILE", description = "The toonified result (toonify's toonified.png).")
  private Path toonified;

  @Option(
      names = "--detect",
      description = "Find the face with the detector instead of taking its FFHQ place.")
  private boolean detect;

  @Override
  void run() throws IOException {
    boolean models = base != null || donor != null || network != null || blocks != null || seeds != null || psi != null
        || out != null;
    boolean photos = photo != null || aligned != null || toonified != null;
    checkArgument(!(models && photos),
        "give either models (--base, --donor or --network, --seeds) or a photo and its result (--photo or --aligned, "
            + "--toonified), not both");
    checkArgument(models || photos,
        "give --base FILE with --donor FILE or --network FILE and --seeds LIST, or --toonified FILE with --photo "
            + "or --aligned");
    OutputPaths.checkFile("--out", out);
    if (psi != null) {
      Arguments.psi(psi);
    }
    if (models) {
      evaluateModels();
    } else {
      evaluatePhoto();
    }
  }

  private void evaluateModels() throws IOException {
    checkArgument(base != null, "--base FILE is missing: the human model");
    checkArgument(donor == null || network == null, "give --donor FILE (with --blocks) or --network FILE, not both");
    checkArgument(
        donor != null || network != null, "give the toon model: --donor FILE (with --blocks) or --network FILE");
    checkArgument(blocks == null || donor != null, "--blocks needs --donor");
    checkArgument(seeds != null, "--seeds LIST is missing, e.g. --seeds 0-15");
    List<Long> seedList = SeedList.parse(seeds);
    StyleGanModel human = readModel(base);
    StyleGanModel toon;
    if (network != null) {
      toon = readModel(network);
    } else {
      int[] swapped = NotebookBlend.givenOrTopThree(human.config(), blocks);
      toon = LayerBlender.swap(human, readModel(donor), swapped);
      progress("toon: " + base + " with blocks " + Arrays.toString(swapped) + " of " + donor);
    }
    Truncation truncation = Truncation.of(psi != null ? psi : DEFAULT_PSI);
    List<Double> distances = new ArrayList<>();
    ImageGrid grid = new ImageGrid().columnLabels("human", "toon");
    // Generated faces are large, frontal and FFHQ-aligned: face-api's stricter detector options find them and keep
    // noise (random test models) from passing for a face.
    try (FaceApi faceApi = FaceApi.open(FaceApi.DetectorOptions.faceApiDefaults(), SessionSettings.defaults());
        Generator humanGenerator = Generators.open(human);
        Generator toonGenerator = Generators.open(toon)) {
      BatchRenderer humans = new BatchRenderer(humanGenerator, truncation, Noise.CONST, null);
      BatchRenderer toons = new BatchRenderer(toonGenerator, truncation, Noise.CONST, null);
      progress(detect ? "descriptors of the face detected in each image"
          : "descriptors of face-api's crop at its FFHQ place in each image");
      progress("seed  identity distance");
      for (List<Long> batch : Lists.partition(seedList, humans.batchSize())) {
        List<BufferedImage> humanImages = Images.toImages(humans.images(batch));
        List<BufferedImage> toonImages = Images.toImages(toons.images(batch));
        for (int i = 0; i < batch.size(); i++) {
          float[] humanFace = descriptor(faceApi, humanImages.get(i));
          float[] toonFace = descriptor(faceApi, toonImages.get(i));
          Double d = humanFace != null && toonFace != null ? FaceApi.distance(humanFace, toonFace) : null;
          if (d != null) {
            distances.add(d);
          }
          String cell = d != null ? format(d) : missing(humanFace, toonFace);
          progress(String.format(Locale.ROOT, "%4d  %s", batch.get(i), cell));
          if (out != null) {
            grid.row(rowLabel(batch.get(i), d), humanImages.get(i), toonImages.get(i));
          }
        }
      }
    }
    out().println(summary(distances, seedList.size()));
    if (out != null) {
      Images.writePng(grid.render(), out);
      out().println("grid: " + out);
    }
  }

  private void evaluatePhoto() throws IOException {
    checkArgument(toonified != null, "--toonified FILE is missing: the toonified result");
    checkArgument(photo != null || aligned != null, "give --photo PHOTO or --aligned FILE (or both)");
    PhotoReader reader = PhotoReader.defaults();
    RgbImage result = reader.read(toonified);
    RgbImage photoImage = photo != null ? reader.read(photo) : null;
    RgbImage alignedImage = aligned != null ? reader.read(aligned) : null;
    try (FaceApi faceApi = FaceApi.open()) {
      DetectedFace photoFace = photoImage != null ? photoFace(faceApi, photoImage, alignedImage != null) : null;
      float[] toonFace = requireFace(faceApi, result, toonified);
      if (photoFace != null) {
        out().println("photo ↔ toonified: " + verdict(FaceApi.distance(photoFace.descriptor(), toonFace)));
      }
      if (alignedImage != null) {
        float[] alignedFace = requireFace(faceApi, alignedImage, aligned);
        out().println("aligned ↔ toonified: " + verdict(FaceApi.distance(alignedFace, toonFace)));
      }
    }
  }

  /** The photo's main face, printed; null with a warning where it has none but an aligned crop is given. */
  private DetectedFace photoFace(FaceApi faceApi, RgbImage photoImage, boolean haveAligned) {
    List<DetectedFace> faces = faceApi.detectAll(photoImage);
    if (faces.isEmpty()) {
      checkArgument(haveAligned, "no face found in %s; give its aligned crop with --aligned", photo);
      warn("no face found in " + photo);
      return null;
    }
    DetectedFace face = mainFace(faces);
    out().printf(Locale.ROOT, "photo: face at %.0f,%.0f (%.0fx%.0f px), score %.3f%s%n", face.box().x(),
        face.box().y(), face.box().width(), face.box().height(), face.score(),
        faces.size() > 1 ? ", the main one of " + faces.size() + " faces" : "");
    return face;
  }

  /**
   * The descriptor of an aligned image that must show a face: a verdict on two images needs a face on both, so the
   * detector looks even without {@code --detect} (which then also takes the descriptor from the face it finds).
   */
  private float[] requireFace(FaceApi faceApi, RgbImage image, Path file) {
    List<DetectedFace> faces = faceApi.detectAll(FfhqFaces.withMargin(image));
    checkArgument(!faces.isEmpty(), "no face found in %s: a verdict needs a face in both images", file);
    return detect ? mainFace(faces).descriptor() : faceApi.describe(FfhqFaces.descriptorCrop(image));
  }

  /**
   * The descriptor of an FFHQ-aligned image: of the square face-api would crop there, or with {@code --detect} of the
   * largest face the detector finds (null when it finds none).
   */
  private float[] descriptor(FaceApi faceApi, BufferedImage image) {
    return descriptor(faceApi, RgbImage.from(image));
  }

  private float[] descriptor(FaceApi faceApi, RgbImage aligned) {
    if (!detect) {
      return faceApi.describe(FfhqFaces.descriptorCrop(aligned));
    }
    List<DetectedFace> faces = faceApi.detectAll(FfhqFaces.withMargin(aligned));
    return faces.isEmpty() ? null : mainFace(faces).descriptor();
  }

  /** The face that {@code toonify} takes. */
  private static DetectedFace mainFace(List<DetectedFace> faces) {
    return faces.stream().max(DetectedFace.BY_MAIN_FACE).orElseThrow();
  }

  /** Which face was not found, when one was not. */
  private static String missing(float[] humanFace, float[] toonFace) {
    String which = humanFace == null ? (toonFace == null ? "human, toon" : "human") : "toon";
    return "no face found (" + which + ")";
  }

  /** The grid's row label: the seed and its distance, or that a face was missing. */
  static String rowLabel(long seed, Double distance) {
    return "seed " + seed + ": " + (distance != null ? String.format(Locale.ROOT, "%.3f", distance) : "no face");
  }

  /** The summary line: mean, median and max, and how many are under {@value #SAME_PERSON}. */
  static String summary(List<Double> distances, int seeds) {
    int n = distances.size();
    String over = n == seeds ? n + " seeds" : n + " of " + seeds + " seeds (the others lack a face)";
    if (n == 0) {
      return "identity distance: no seed has a face in both images";
    }
    double[] sorted = distances.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double mean = Arrays.stream(sorted).average().orElseThrow();
    long same = Arrays.stream(sorted).filter(d -> d < SAME_PERSON).count();
    return String.format(Locale.ROOT, "identity distance over %s: mean %s, median %s, max %s; %d of %d under %s "
        + "(the same person by face-api's rule of thumb)", over, format(mean), format(median), format(sorted[n - 1]),
        same, n, SAME_PERSON);
  }

  private static String verdict(double distance) {
    return format(distance) + (distance < SAME_PERSON ? " (under " : " (not under ") + SAME_PERSON
        + ": " + (distance < SAME_PERSON ? "the same person" : "not the same person") + " by face-api's rule of thumb)";
  }

  private static String format(double distance) {
    return String.format(Locale.ROOT, "%.4f", distance);
  }
}
