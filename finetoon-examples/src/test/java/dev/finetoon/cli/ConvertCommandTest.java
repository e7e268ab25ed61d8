package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Tensor;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyFile;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
  @TempDir Path dir;

  @Test
  void toonIntoTheBaseTemplateGeneratesWhatTheToonGenerates() throws IOException {
    Path toon = ReferenceData.tiny("tiny_toon.pkl");
    Path out = dir.resolve("toon-as-snapshot.pkl");

    CliRun run = CliRun.of("convert", "--network", toon, "--to", "nvidia", "--template",
        ReferenceData.tiny("tiny_base.pkl"), out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("wrote " + out);
    assertThat(generate(out, "converted")).isEqualTo(generate(toon, "original"));
    assertThat(ModelFiles.read(out).tensors()).isEqualTo(ModelFiles.read(toon).tensors());
  }

  @Test
  void nvidiaToRosinalityToNvidiaGeneratesIdenticalImages() throws IOException {
    Path base = ReferenceData.tiny("tiny_base.pkl");
    Path ros = dir.resolve("base.pt");
    Path back = dir.resolve("base-again.pkl");

    CliRun toRos = CliRun.of("convert", "--network", base, "--to", "rosinality", ros);
    CliRun toNvidia = CliRun.of("convert", "--network", ros, "--to", "nvidia", "--template",
        ReferenceData.tiny("tiny_toon.pkl"), back);

    assertThat(toRos.exitCode()).as(toRos.err()).isZero();
    assertThat(toRos.out()).contains("load into Generator(32, 32, 2) with its channels table edited");
    assertThat(toRos.err()).contains("warning: rosinality's generator has no conv_clamp");
    Tensor original = generate(base, "original");
    assertThat(generate(ros, "rosinality")).isEqualTo(original);
    // The rosinality model has no conv_clamp; the tiny template has 256: another architecture.
    assertThat(toNvidia.exitCode()).isEqualTo(1);
    assertThat(toNvidia.err()).contains("has another architecture than the model: conv_clamp none (template 256.0)");
  }

  @Test
  void safetensorsRoundTripIsLossless() throws IOException {
    Path base = ReferenceData.tiny("tiny_base.pkl");
    Path out = dir.resolve("base.safetensors");

    CliRun run = CliRun.of("convert", "--network", base, "--to", "SafeTensors", out);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(ModelFiles.read(out).tensors()).isEqualTo(ModelFiles.read(base).tensors());
    assertThat(ModelFiles.read(out).config()).isEqualTo(ModelFiles.read(base).config());
  }

  @Test
  void checksArgumentsAndTheOutputBeforeReadingTheModel() throws IOException {
    Path missing = dir.resolve("missing.pkl");

    CliRun noTemplate = CliRun.of("convert", "--network", missing, "--to", "nvidia", dir.resolve("a.pkl"));
    CliRun intoDirectory = CliRun.of("convert", "--network", missing, "--to", "rosinality", dir);
    CliRun unknown = CliRun.of("convert", "--network", missing, "--to", "onnx", dir.resolve("a.onnx"));

    assertThat(noTemplate.exitCode()).isEqualTo(2);
    assertThat(noTemplate.err()).contains("--to nvidia needs --template");
    assertThat(intoDirectory.exitCode()).isEqualTo(2);
    assertThat(intoDirectory.err()).contains("is a directory");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("'onnx' is not a format finetoon writes");
  }

  @Test
  void refusesATemplateOfAnotherArchitectureAndLeavesNoFile() throws IOException {
    Path model = dir.resolve("other.safetensors");
    ModelFiles.write(RandomModels.create(GeneratorConfig.builder(32, 32, 16).build(), 5), model);
    Path out = dir.resolve("out.pkl");

    CliRun run = CliRun.of("convert", "--network", model, "--to", "nvidia", "--template",
        ReferenceData.tiny("tiny_base.pkl"), out);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("finetoon: error: template").contains("has another architecture");
    assertThat(out).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("out.pkl")
          .noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  private Tensor generate(Path network, String name) throws IOException {
    Path npy = dir.resolve(name + ".npy");
    CliRun run = CliRun.of("generate", "--network", network, "--seeds", "0,1,303", "--trunc", "0.7", "--outdir",
        dir.resolve(name), "--npy", npy);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return NpyFile.read(npy).toTensor();
  }
}
