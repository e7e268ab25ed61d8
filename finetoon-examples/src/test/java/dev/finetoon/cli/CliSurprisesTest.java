package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.testing.ReferenceData;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16's list of rough edges, each reproduced: a new user's first hour must not surprise. */
class CliSurprisesTest {
  private static final String NL = System.lineSeparator();

  @TempDir Path dir;

  private static Path tiny(String name) {
    return ReferenceData.tiny(name);
  }

  private static void assertError(CliRun run, int code, String message) {
    assertThat(run.exitCode()).as(run.out()).isEqualTo(code);
    assertThat(run.err()).isEqualTo("finetoon: error: " + message + NL);
  }

  private Path square(String name, Color colour) throws IOException {
    BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, 256, 256);
    g.dispose();
    Path file = dir.resolve(name);
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  @Test
  void evaluateGivesNoVerdictOnAFlatSquare() throws IOException {
    Path grey = square("grey.png", Color.GRAY);
    Path white = square("white.png", Color.WHITE);

    assertError(CliRun.of("evaluate", "--aligned", white, "--toonified", grey), 1,
        "no face found in " + grey + ": a verdict needs a face in both images");
    assertError(CliRun.of("evaluate", "--aligned", white, "--toonified", white, "--detect"), 1,
        "no face found in " + white + ": a verdict needs a face in both images");
  }

  @Test
  void fineTuneChecksItsOutputPathsBeforeTraining() throws IOException {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    Object[] common = {"fine-tune", "--base", tiny("tiny_base.pkl"), "--donor", tiny("tiny_toon.pkl"), "--blocks",
        "32", "--seeds", "0", "--encoder", tiny("tiny_encoder.pt")};

    CliRun outIsADir = CliRun.of(concat(common, "--out", dir));
    CliRun checkpointsInAFile =
        CliRun.of(concat(common, "--out", dir.resolve("t.safetensors"), "--checkpoint-dir", file));

    assertError(outIsADir, 1, "--out " + dir + " is a folder; give a file name");
    assertThat(outIsADir.out()).isEmpty(); // no training started
    assertError(checkpointsInAFile, 1, "--checkpoint-dir " + file + " is a file, not a folder");
    assertThat(checkpointsInAFile.out()).isEmpty();
  }

  @Test
  void generateChecksItsOutputPathsBeforeWritingImages() throws IOException {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    Path out = dir.resolve("out");
    Object[] common = {"generate", "--network", tiny("tiny_base.pkl"), "--seeds", "0-3"};

    assertError(CliRun.of(concat(common, "--outdir", out, "--npy", dir)), 1,
        "--npy " + dir + " is a folder; give a file name");
    assertError(CliRun.of(concat(common, "--outdir", out, "--ws-npy", file.resolve("x.npy"))), 1,
        "--ws-npy " + file.resolve("x.npy") + ": " + file + " is a file, not a folder");
    assertThat(out).doesNotExist();
    assertError(CliRun.of(concat(common, "--outdir", file)), 1, "--outdir " + file + " is a file, not a folder");
  }

  @Test
  void compareWritesTheFormatItsExtensionNames() throws IOException {
    Object[] common = {"compare", "--base", tiny("tiny_base.pkl"), "--donor", tiny("tiny_toon.pkl"), "--seeds", "0"};
    Path jpg = dir.resolve("c2.jpg");

    CliRun run = CliRun.of(concat(common, "--out", jpg));

    assertThat(run.exitCode()).as(run.err()).isZero();
    byte[] head = Files.readAllBytes(jpg);
    assertThat(new byte[] {head[0], head[1], head[2]}).containsExactly(0xFF, 0xD8, 0xFF); // JPEG's SOI marker
    assertError(CliRun.of(concat(common, "--out", dir.resolve("dir") + "/")), 1,
        "--out " + dir.resolve("dir") + ": give a .png or .jpg file name");
    assertThat(dir.resolve("dir")).doesNotExist();
    assertError(CliRun.of(concat(common, "--out", dir)), 1, "--out " + dir + " is a folder; give a file name");
  }

  @Test
  void usageErrorsAreOneLine() {
    assertError(CliRun.of("generate", "--seeds", "0", "--outdir", dir), 2,
        "Missing required option: '--network=FILE' (see 'finetoon generate --help')");
    assertError(CliRun.of("info", "m.pkl", "--verbos"), 2,
        "Unknown option: '--verbos'; did you mean --verbose or --version? (see 'finetoon info --help')");
  }

  @Test
  void outOfRangeValuesAreRefused() {
    Path base = tiny("tiny_base.pkl");
    Path toon = tiny("tiny_toon.pkl");
    Path out = dir.resolve("out");

    assertError(CliRun.of("generate", "--network", base, "--seeds", "0", "--trunc", "5", "--outdir", out), 1,
        "--trunc 5.0 is out of range: give a psi in [0, 1] (1: no truncation, 0: the average face)");
    assertError(CliRun.of("compare", "--base", base, "--donor", toon, "--seeds", "0", "--trunc", "-1", "--out",
        dir.resolve("c.png")), 1,
        "--trunc -1.0 is out of range: give a psi in [0, 1] (1: no truncation, 0: the average face)");
    assertError(CliRun.of("generate", "--network", base, "--seeds", "0", "--trunc-cutoff", "100", "--outdir", out),
        1, "--trunc-cutoff 100 is out of range: this model has 8 ws (give 1 to 8)");
    assertError(CliRun.of("blend", "--base", base, "--donor", toon, "--blocks", "16,16", "--out",
        dir.resolve("b.safetensors")), 1, "block 16 is listed twice");
    assertError(CliRun.of("toonify", "--base", base, "--network", toon, "--photo", tiny("tiny_photo.png"),
        "--landmarks", "nope.json", "--centre-crop", "--outdir", out), 1,
        "give --landmarks FILE.json or --centre-crop, not both: --centre-crop aligns no face");
    assertError(CliRun.of("fine-tune", "--base", base, "--donor", toon, "--blocks", "32", "--seeds", "0",
        "--encoder", tiny("tiny_lpips.pt"), "--out", dir.resolve("t.safetensors")), 1,
        tiny("tiny_lpips.pt") + " is an LPIPS feature network (its forward takes return_lpips), not a face encoder");
    assertThat(out).doesNotExist();
  }

  @Test
  void messagesSpeakCliNotApiOrExceptionNames() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.png"));
    Path emptyModel = Files.createFile(dir.resolve("empty.pkl"));
    Path text = Files.writeString(dir.resolve("afile"), "hello");
    Path base = tiny("tiny_base.pkl");
    Path vgg = tiny("tiny_lpips.pt");
    Path out = dir.resolve("out");

    assertError(CliRun.of("info", dir), 1, dir + " is a folder; give a file");
    assertError(CliRun.of("info", emptyModel), 1, emptyModel + " is empty");
    assertError(CliRun.of("toonify", "--base", base, "--network", base, "--photo", empty, "--vgg", vgg,
        "--outdir", out), 1, empty + ": not an image in a format finetoon reads (PNG, JPEG, GIF, BMP, TIFF)");
    CliRun landmarks = CliRun.of("project", "--network", base, "--target", tiny("tiny_photo.png"), "--vgg", vgg,
        "--landmarks", text, "--outdir", out);
    assertThat(landmarks.err()).startsWith("finetoon: error: " + text + ": not valid JSON");
    assertError(CliRun.of("project", "--network", base, "--target", tiny("tiny_photo.png"), "--vgg",
        tiny("tiny_encoder.pt"), "--outdir", out), 1, tiny("tiny_encoder.pt") + " is not an LPIPS feature network:"
        + " its forward takes no return_lpips, as NVIDIA's metrics/vgg16.pt does");
  }

  @Test
  void helpNamesEveryCommandInWholeSentences() {
    String help = CliRun.of("--help").out();

    assertThat(help).contains("toonify", "models list")
        .contains("compare      Draw the layer-swap comparison figure of two generators.")
        .contains("fine-tune    Fine-tune a blend with the triplet loss on face embeddings.");
    assertThat(CliRun.of("blend", "--help").out()).contains("replaced if present");
  }

  @Test
  void theCliQuietsDjlsCudaWarningUnlessVerbose() {
    String key = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";
    String before = System.getProperty(key);
    try {
      System.clearProperty(key);
      FinetoonCli.configureLogging(true);
      assertThat(System.getProperty(key)).isNull();
      FinetoonCli.configureLogging(false);
      assertThat(System.getProperty(key)).isEqualTo("error");
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  private static Object[] concat(Object[] a, Object... b) {
    Object[] all = new Object[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
