package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelFilesTest {
  @TempDir Path dir;

  private static StyleGanModel small() {
    SynthesisConfig synthesis =
        new SynthesisConfig(64, 8, 0, OptionalDouble.empty(), "skip", List.of(1.0, 3.0, 3.0, 1.0), true);
    return RandomModels.create(GeneratorConfig.builder(8, 8, 8).synthesis(synthesis).build(), 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_base.pkl", "tiny_toon.pkl"})
  void pickleToSafetensorsKeepsEveryTensorBitIdentical(String pkl) throws IOException {
    StyleGanModel original = ModelFiles.read(ReferenceData.tiny(pkl));
    Path file = dir.resolve("model.safetensors");
    ModelFiles.write(original, file);
    StyleGanModel copy = ModelFiles.read(file);

    assertThat(copy.config()).isEqualTo(original.config());
    assertThat(copy.tensors().keySet()).containsExactlyElementsOf(original.tensors().keySet());
    original.tensors().forEach((name, t) -> {
      Tensor c = copy.tensor(name);
      assertThat(c.shape()).as(name).isEqualTo(t.shape());
      assertThat(c.toLittleEndianBytes()).as(name).isEqualTo(t.toLittleEndianBytes());
    });
    assertThat(copy.provenance()).containsEntry("file", file.toString());
    original.provenance().forEach((k, v) -> {
      if (!k.equals("file")) {
        assertThat(copy.provenance()).containsEntry(k, v);
      }
    });
  }

  @Test
  void recognisesSafetensorsWhoseHeaderLengthStartsLikeAPickle() throws IOException {
    // This model's header is 0x1480 bytes long: its first byte, 0x80, is also a pickle's first byte.
    StyleGanModel model = RandomModels.create(GeneratorConfig.builder(16, 16, 8).cDim(3).build(), 7);
    Path file = dir.resolve("conditional.safetensors");
    ModelFiles.write(model, file);
    assertThat(Files.readAllBytes(file)[0] & 0xff).isEqualTo(0x80);

    assertThat(ModelFiles.read(file).tensors()).isEqualTo(model.tensors());
  }

  @Test
  void unusualConfigurationsRoundTrip() throws IOException {
    GeneratorConfig config = GeneratorConfig.builder(0, 8, 8)
        .cDim(5)
        .imgChannels(1)
        .synthesis(
            new SynthesisConfig(256, 16, 1, OptionalDouble.of(128.5), "skip", List.of(1.0, 2.0, 2.0, 1.0), false))
        .build();
    StyleGanModel model = RandomModels.create(config, 9);
    Path file = dir.resolve("odd.safetensors");
    ModelFiles.write(model, file);
    StyleGanModel copy = ModelFiles.read(file);

    assertThat(copy.config()).isEqualTo(config);
    assertThat(copy.tensors()).containsExactlyEntriesOf(model.tensors());
    assertThat(copy.provenance()).containsEntry("source", "random(seed=9)").containsEntry("format", "random");
  }

  @Test
  void garbageIsAModelFormatException() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.pkl"), "hello, this is not a model at all");
    assertThatThrownBy(() -> ModelFiles.read(text))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining(text.toString())
        .hasMessageContaining("neither");

    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    noise[0] = 0x13;
    Path random = Files.write(dir.resolve("random.bin"), noise);
    assertThatThrownBy(() -> ModelFiles.read(random)).isInstanceOf(ModelFormatException.class);

    noise[0] = (byte) 0x80;
    noise[1] = 4;
    Path fakePickle = Files.write(dir.resolve("fake.pkl"), noise);
    assertThatThrownBy(() -> ModelFiles.read(fakePickle)).isInstanceOf(ModelFormatException.class);

    Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
    assertThatThrownBy(() -> ModelFiles.read(empty)).isInstanceOf(ModelFormatException.class);
  }

  @Test
  void truncatedFilesAreModelFormatExceptions() throws IOException {
    Path file = dir.resolve("whole.safetensors");
    ModelFiles.write(small(), file);
    byte[] bytes = Files.readAllBytes(file);
    Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ModelFiles.read(cut)).isInstanceOf(ModelFormatException.class);
  }

  @Test
  void safetensorsWithoutFinetoonMetadataIsRefused() throws IOException {
    StyleGanModel model = small();
    Path foreign = dir.resolve("foreign.safetensors");
    SafetensorsFile.write(foreign, model.tensors(), Map.of("format", "pt"));
    assertThatThrownBy(() -> ModelFiles.read(foreign))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("without finetoon")
        .hasMessageContaining("pt");

    Path bare = dir.resolve("bare.safetensors");
    SafetensorsFile.write(bare, Map.of("x", Tensor.zeros(2)), Map.of());
    assertThatThrownBy(() -> ModelFiles.read(bare))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void finetoonFileMissingATensorNamesIt() throws IOException {
    Path whole = dir.resolve("whole.safetensors");
    ModelFiles.write(small(), whole);
    SafetensorsFile.Contents contents = SafetensorsFile.read(whole);
    Map<String, Tensor> partial = new LinkedHashMap<>(contents.tensors());
    assertThat(partial.remove("synthesis.b8.conv0.weight")).isNotNull();
    Path broken = dir.resolve("broken.safetensors");
    SafetensorsFile.write(broken, partial, contents.metadata());
    assertThatThrownBy(() -> ModelFiles.read(broken))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("synthesis.b8.conv0.weight");

    Map<String, String> badConfig = new LinkedHashMap<>(contents.metadata());
    badConfig.put("config", "{not json");
    Path garbled = dir.resolve("garbled.safetensors");
    SafetensorsFile.write(garbled, contents.tensors(), badConfig);
    assertThatThrownBy(() -> ModelFiles.read(garbled)).isInstanceOf(ModelFormatException.class);
  }

  @Test
  void missingFilesAreNoSuchFileException() throws IOException {
    Path missing = dir.resolve("nowhere.pkl");
    assertThatThrownBy(() -> ModelFiles.read(missing))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString());
    Path folder = Files.createDirectory(dir.resolve("folder.safetensors"));
    assertThatThrownBy(() -> ModelFiles.read(folder)).isInstanceOf(NoSuchFileException.class);
  }
}
