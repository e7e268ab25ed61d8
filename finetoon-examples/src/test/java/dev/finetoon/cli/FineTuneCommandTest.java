package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.LayerBlender;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.pickle.NvidiaPickleReader;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finetoon fine-tune} on the tiny reference models. */
class FineTuneCommandTest {
  @TempDir Path dir;

  /** The command on two seeds with const noise, followed by {@code extra}. */
  private static CliRun fineTune(Object... extra) {
    List<Object> args = new ArrayList<>(List.of("fine-tune",
        "--base", ReferenceData.tiny("tiny_base.pkl"), "--donor", ReferenceData.tiny("tiny_toon.pkl"),
        "--blocks", "16,32", "--encoder", ReferenceData.tiny("tiny_encoder.pt"),
        "--seeds", "0,1", "--noise-mode", "const", "--lr", "1e-3"));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray());
  }

  @Test
  void writesATrainedBlendAndAPreviewPerEpoch() throws IOException {
    Path out = dir.resolve("tuned.safetensors");
    CliRun run = fineTune("--epochs", "1", "--out", out, "--preview-dir", dir.resolve("previews"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("anchor: donor blocks [16, 32]; negative: donor blocks [8, 16, 32]; 2 seeds x 1 epochs")
        .containsPattern("epoch 1/1: mean loss \\d\\.\\d{5}, preview .*epoch001_seed0028.png")
        .contains("fine-tuned model: " + out);
    assertThat(run.err()).contains("fine-tune 100%").contains("2/2");

    StyleGanModel blend = LayerBlender.swap(NvidiaPickleReader.read(ReferenceData.tiny("tiny_base.pkl")),
        NvidiaPickleReader.read(ReferenceData.tiny("tiny_toon.pkl")), 16, 32);
    StyleGanModel tuned = ModelFiles.read(out);
    assertThat(tuned.config()).isEqualTo(blend.config());
    assertThat(tuned.tensors().keySet()).containsExactlyElementsOf(blend.tensors().keySet());
    assertThat(tuned.tensor("synthesis.b32.conv1.weight")).isNotEqualTo(blend.tensor("synthesis.b32.conv1.weight"));
    assertThat(tuned.tensor("mapping.fc0.weight")).isNotEqualTo(blend.tensor("mapping.fc0.weight"));
    assertThat(tuned.provenance()).containsEntry("source", "fine-tune").containsEntry("fine-tune.steps", "2");

    BufferedImage preview = ImageIO.read(dir.resolve("previews").resolve("epoch001_seed0028.png").toFile());
    assertThat(preview.getWidth()).isEqualTo(32);
  }

  @Test
  void resumingFinishesTheRunAsIfItHadNotStopped() throws IOException {
    Path checkpoints = dir.resolve("ckpt");
    CliRun first = fineTune("--epochs", "1", "--checkpoint-dir", checkpoints, "--checkpoint-every", "1",
        "--out", dir.resolve("first.safetensors"));
    assertThat(first.exitCode()).as(first.err()).isZero();

    Path resumed = dir.resolve("resumed.safetensors");
    CliRun second = fineTune("--epochs", "2", "--checkpoint-dir", checkpoints, "--resume", "--out", resumed);
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("resuming at step 2 of 4").contains("epoch 2/2").doesNotContain("epoch 1/2");

    Path straight = dir.resolve("straight.safetensors");
    CliRun uninterrupted = fineTune("--epochs", "2", "--out", straight);
    assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();
    assertThat(ModelFiles.read(resumed).tensors()).isEqualTo(ModelFiles.read(straight).tensors());
  }

  @Test
  void resumeWithoutACheckpointFolderIsOneLine() {
    CliRun run = fineTune("--resume", "--out", dir.resolve("x.safetensors"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("finetoon: error: --resume needs --checkpoint-dir" + System.lineSeparator());
  }

  @Test
  void withoutAnEncoderFileTheBuiltInFaceDescriptorTrains() throws IOException {
    Path out = dir.resolve("tuned.safetensors");
    CliRun run = CliRun.of("fine-tune", "--base", ReferenceData.tiny("tiny_base.pkl"),
        "--donor", ReferenceData.tiny("tiny_toon.pkl"), "--blocks", "16,32", "--seeds", "0,1",
        "--noise-mode", "const", "--lr", "1e-3", "--out", out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("encoder: built-in (face-api.js's dlib ResNet)")
        .containsPattern("epoch 1/1: mean loss \\d\\.\\d{5}");
    StyleGanModel blend = LayerBlender.swap(NvidiaPickleReader.read(ReferenceData.tiny("tiny_base.pkl")),
        NvidiaPickleReader.read(ReferenceData.tiny("tiny_toon.pkl")), 16, 32);
    assertThat(ModelFiles.read(out).tensor("synthesis.b32.conv1.weight"))
        .isNotEqualTo(blend.tensor("synthesis.b32.conv1.weight"));
  }

  @Test
  void aMissingEncoderIsOneLine() {
    Path missing = dir.resolve("nope.pt");
    CliRun run = CliRun.of("fine-tune", "--base", ReferenceData.tiny("tiny_base.pkl"),
        "--donor", ReferenceData.tiny("tiny_toon.pkl"), "--blocks", "16,32", "--encoder", missing,
        "--out", dir.resolve("x.safetensors"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("finetoon: error: no such file: " + missing + System.lineSeparator());
  }

  @Test
  void theLowestBlockHasNoDefaultNegative() {
    CliRun run = CliRun.of("fine-tune", "--base", ReferenceData.tiny("tiny_base.pkl"),
        "--donor", ReferenceData.tiny("tiny_toon.pkl"), "--blocks", "4,8",
        "--encoder", ReferenceData.tiny("tiny_encoder.pt"), "--out", dir.resolve("x.safetensors"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("finetoon: error: block 4 is the lowest: there is no lower block to add to the"
        + " negative; name the negative's blocks" + System.lineSeparator());
  }

  @Test
  void anUnknownLossIsAUsageError() {
    CliRun run = fineTune("--loss", "cosine", "--out", dir.resolve("x.safetensors"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("expected cosine-distance or notebook-similarity, got 'cosine'");
  }
}
