package dev.finetoon.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NvidiaPickleReaderTest {
  private static JsonNode referenceIndex() throws IOException {
    return new ObjectMapper().readTree(ReferenceData.tiny("tiny.json").toFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_base.pkl", "tiny_toon.pkl"})
  void configMatchesTheKwargsNvidiaBuiltTheModelWith(String file) throws IOException {
    JsonNode kwargs = referenceIndex().at("/models/tiny/generator_kwargs");
    StyleGanModel model = NvidiaPickleReader.read(ReferenceData.tiny(file));
    GeneratorConfig c = model.config();

    assertThat(c.zDim()).isEqualTo(kwargs.get("z_dim").asInt());
    assertThat(c.cDim()).isEqualTo(kwargs.get("c_dim").asInt());
    assertThat(c.wDim()).isEqualTo(kwargs.get("w_dim").asInt());
    assertThat(c.imgResolution()).isEqualTo(kwargs.get("img_resolution").asInt());
    assertThat(c.imgChannels()).isEqualTo(kwargs.get("img_channels").asInt());
    assertThat(c.mapping().numLayers()).isEqualTo(kwargs.at("/mapping_kwargs/num_layers").asInt());
    assertThat(c.mapping().lrMultiplier()).isEqualTo(0.01);
    assertThat(c.synthesis().channelBase()).isEqualTo(kwargs.at("/synthesis_kwargs/channel_base").asInt());
    assertThat(c.synthesis().channelMax()).isEqualTo(kwargs.at("/synthesis_kwargs/channel_max").asInt());
    assertThat(c.synthesis().numFp16Res()).isEqualTo(kwargs.at("/synthesis_kwargs/num_fp16_res").asInt());
    assertThat(c.synthesis().convClamp())
        .isEqualTo(OptionalDouble.of(kwargs.at("/synthesis_kwargs/conv_clamp").asDouble()));
    assertThat(c.synthesis().architecture()).isEqualTo("skip");
    assertThat(c.numWs()).isEqualTo(referenceIndex().at("/models/tiny/num_ws").asInt());
    List<Integer> resolutions = new ArrayList<>();
    referenceIndex().at("/models/tiny/block_resolutions").forEach(n -> resolutions.add(n.asInt()));
    assertThat(c.blockResolutions()).isEqualTo(resolutions);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_base.pkl", "tiny_toon.pkl"})
  void parametersAreExactlyNvidiasTrainableSetPlusTheBuffers(String file) throws IOException {
    List<String> trainable = new ArrayList<>();
    referenceIndex().findValue("trainable_parameter_names").forEach(n -> trainable.add(n.asText()));
    StyleGanModel model = NvidiaPickleReader.read(ReferenceData.tiny(file));

    List<String> parameters =
        model.tensors().keySet().stream()
            .filter(n -> !n.endsWith(".w_avg") && !n.endsWith(".noise_const") && !n.endsWith(".resample_filter"))
            .toList();
    assertThat(parameters).containsExactlyInAnyOrderElementsOf(trainable);
    assertThat(model.tensors().keySet())
        .contains("mapping.w_avg", "synthesis.b32.conv1.noise_const", "synthesis.b8.conv0.resample_filter");
    assertThat(model.tensor("synthesis.b4.const").shape()).containsExactly(64, 4, 4);
    assertThat(model.tensor("synthesis.b16.conv0.weight").shape()).containsExactly(32, 64, 3, 3);
    assertThat(model.tensor("synthesis.b32.torgb.weight").shape()).containsExactly(3, 16, 1, 1);
    assertThat(model.tensor("synthesis.b32.conv1.noise_const").shape()).containsExactly(32, 32);
    assertThat(model.tensor("synthesis.b8.conv0.noise_strength").shape()).isEmpty();
    // NVIDIA's resample filter buffer: [1,3,3,1] ⊗ [1,3,3,1] / 64.
    assertThat(model.tensor("synthesis.b8.resample_filter").get(1, 2)).isEqualTo(9f / 64f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_base.pkl", "tiny_toon.pkl"})
  void recordsTheShapeOfTheFile(String file) throws IOException {
    StyleGanModel model = NvidiaPickleReader.read(ReferenceData.tiny(file));
    assertThat(model.provenance().get("format"))
        .isEqualTo(file.contains("base") ? "nvidia-snapshot" : "nvidia-generator");
  }
}
