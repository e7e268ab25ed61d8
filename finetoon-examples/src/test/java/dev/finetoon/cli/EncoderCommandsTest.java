package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Tensor;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.io.NpyFile;
import dev.finetoon.io.NpzFile;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code info}, {@code project} and {@code toonify} with the reference pSp / e4e checkpoints. */
class EncoderCommandsTest {
  @TempDir Path dir;

  @Test
  void infoDescribesTheEncoderAndItsDecoder() {
    CliRun run = CliRun.of("info", ReferenceData.encoders().resolve("reduced_e4e.pt"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("encoder: Encoder4Editing (e4e)", "IR-SE body: 24 units, widths [4, 8, 16, 32]",
        "codes: 10 W+ rows x 32", "decoder (the generator the codes are for):", "resolution 64",
        "num_ws 10");
    CliRun w = CliRun.of("info", ReferenceData.encoders().resolve("reduced_psp_w_legacy.pt"));
    assertThat(w.out()).contains("encoder: BackboneEncoderUsingLastLayerIntoW (pSp)", "1 W x 32 (repeated over 10");
  }

  @Test
  void projectWithAnEncoderWritesUpstreamsWPlus() throws IOException {
    Path ref = ReferenceData.encoders();
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("project", "--network", ref.resolve("reduced_psp.pt"), "--encoder",
        ref.resolve("reduced_psp.pt"), "--target", ref.resolve("reduced_photo0.png"), "--outdir", out);
    assertThat(run.exitCode()).as(run.err()).isZero();
    Tensor w = NpzFile.read(out.resolve("projected_w.npz")).get("w").toTensor();
    Tensor expected = NpyFile.read(ref.resolve("reduced_psp_codes_plus_latent_avg.npy")).toTensor().slice(0, 1);
    assertThat(w.maxAbsDifference(expected)).isLessThanOrEqualTo(1e-4f);
    assertThat(PhotoReader.defaults().read(out.resolve("proj.png")).width()).isEqualTo(64);
  }

  @Test
  void toonifyRefusesABaseThatIsNotTheEncodersDecoderUnlessAllowed() throws IOException {
    Path ref = ReferenceData.encoders();
    // the e4e and pSp decoders have the same sizes but other weights
    Object[] args = {"toonify", "--base", ref.resolve("reduced_psp.pt"), "--network", ref.resolve("reduced_psp.pt"),
        "--encoder", ref.resolve("reduced_e4e.pt"), "--photo", ref.resolve("reduced_photo1.png"), "--centre-crop",
        "--outdir", dir.resolve("out")};
    CliRun refused = CliRun.of(args);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("the base model is not the encoder's decoder", "--allow-decoder-mismatch");
    Object[] allowed = java.util.Arrays.copyOf(args, args.length + 1);
    allowed[args.length] = "--allow-decoder-mismatch";
    CliRun run = CliRun.of(allowed);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("time: inversion");
    assertThat(NpzFile.read(dir.resolve("out/projected_w.npz")).get("w").shape()).containsExactly(1, 10, 32);
  }
}
