package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.image.PhotoReader;
import dev.finetoon.io.NpzFile;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code toonify} on the tiny models: a blend made on the fly, and a finished toon model. */
class ToonifyCommandTest {
  @TempDir Path dir;

  @Test
  void toonifiesWithABlendOfTheDonorsBlocks() throws IOException {
    Path photo = ProjectCommandTest.generatedPhoto(dir);
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of("toonify", "--base", ReferenceData.tiny("tiny_base.pkl"),
            "--donor", ReferenceData.tiny("tiny_toon.pkl"),
            "--blocks", "16,32", "--photo", photo, "--vgg", ReferenceData.tiny("tiny_lpips.pt"), "--num-steps", "20",
            "--centre-crop", "--outdir", out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("with blocks [16, 32] of", "step 20/20", "time: projection ");
    var reconstruction = PhotoReader.defaults().read(out.resolve("reconstruction.png"));
    var toonified = PhotoReader.defaults().read(out.resolve("toonified.png"));
    assertThat(PhotoReader.defaults().read(out.resolve("target.png"))).isEqualTo(PhotoReader.defaults().read(photo));
    assertThat(toonified.width()).isEqualTo(32);
    assertThat(toonified).isNotEqualTo(reconstruction);
    assertThat(NpzFile.read(out.resolve("projected_w.npz")).get("w").shape()).containsExactly(1, 8, 32);
  }

  @Test
  void aFinishedToonModelDrawsWhatTheSameBlendDraws() throws IOException {
    Path photo = ProjectCommandTest.generatedPhoto(dir);
    Path blend = dir.resolve("blend.safetensors");
    assertThat(CliRun.of("blend", "--base", ReferenceData.tiny("tiny_base.pkl"), "--donor",
        ReferenceData.tiny("tiny_toon.pkl"), "--blocks", "16,32", "--out", blend).exitCode()).isZero();
    String[] common = {"--photo", photo.toString(), "--vgg", ReferenceData.tiny("tiny_lpips.pt").toString(),
        "--num-steps", "5", "--centre-crop"};
    CliRun finished = CliRun.of(concat(new String[] {"toonify",
        "--base", ReferenceData.tiny("tiny_base.pkl").toString(),
        "--network", blend.toString(), "--outdir", dir.resolve("a").toString()}, common));
    CliRun onTheFly = CliRun.of(concat(new String[] {"toonify",
        "--base", ReferenceData.tiny("tiny_base.pkl").toString(),
        "--donor", ReferenceData.tiny("tiny_toon.pkl").toString(), "--blocks", "16,32",
        "--outdir", dir.resolve("b").toString()}, common));

    assertThat(finished.exitCode()).as(finished.err()).isZero();
    assertThat(onTheFly.exitCode()).as(onTheFly.err()).isZero();
    assertThat(PhotoReader.defaults().read(dir.resolve("a/toonified.png")))
        .isEqualTo(PhotoReader.defaults().read(dir.resolve("b/toonified.png")));
  }

  @Test
  void aPhotoWithoutAFaceIsAOneLineErrorByDefault() throws IOException {
    Path photo = ProjectCommandTest.generatedPhoto(dir); // a 32-pixel random-model image: no face to detect
    CliRun run = CliRun.of("toonify", "--base", ReferenceData.tiny("tiny_base.pkl"), "--donor",
        ReferenceData.tiny("tiny_toon.pkl"), "--blocks", "16,32", "--photo", photo, "--vgg",
        ReferenceData.tiny("tiny_lpips.pt"), "--num-steps", "5", "--outdir", dir.resolve("out"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().lines()).singleElement().asString()
        .isEqualTo("finetoon: error: no face found in " + photo + "; give its landmarks with --landmarks FILE.json,"
            + " or --centre-crop to project the whole photo");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void needsExactlyOneOfNetworkAndDonor() {
    CliRun both =
        CliRun.of("toonify", "--base", "b.pkl", "--donor", "d.pkl", "--network", "n.pkl", "--photo", "p.png",
            "--vgg", "v.pt", "--outdir", dir);
    CliRun neither = CliRun.of("toonify", "--base", "b.pkl", "--photo", "p.png", "--vgg", "v.pt", "--outdir", dir);
    CliRun blocksAlone =
        CliRun.of("toonify", "--base", "b.pkl", "--blocks", "32", "--photo", "p.png", "--vgg", "v.pt", "--outdir", dir);

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err().lines()).singleElement().asString().startsWith("finetoon: error: expected only one match");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err().lines()).singleElement().asString()
        .startsWith("finetoon: error: Missing required argument");
    assertThat(blocksAlone.exitCode()).isEqualTo(2);
    assertThat(blocksAlone.err()).startsWith("finetoon: error: Missing required argument")
        .endsWith("(see 'finetoon toonify --help')" + System.lineSeparator());
  }

  private static Object[] concat(String[] a, String[] b) {
    Object[] all = new Object[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
