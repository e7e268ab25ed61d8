package dev.finetoon.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetoon.ModelFormatException;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.SynthesisConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A {@link GeneratorConfig} as JSON, in NVIDIA's own argument names ({@code z_dim}, {@code mapping_kwargs},
 * {@code synthesis_kwargs}, …) so that a finetoon file reads like the Generator it came from.
 */
final class ConfigJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigJson() {}

  static String write(GeneratorConfig c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("z_dim", c.zDim()).put("c_dim", c.cDim()).put("w_dim", c.wDim());
    root.put("img_resolution", c.imgResolution()).put("img_channels", c.imgChannels());
    MappingConfig m = c.mapping();
    root.putObject("mapping_kwargs")
        .put("num_layers", m.numLayers())
        .put("embed_features", m.embedFeatures())
        .put("layer_features", m.layerFeatures())
        .put("lr_multiplier", m.lrMultiplier())
        .put("w_avg_beta", m.wAvgBeta());
    SynthesisConfig s = c.synthesis();
    ObjectNode synthesis =
        root.putObject("synthesis_kwargs")
            .put("channel_base", s.channelBase())
            .put("channel_max", s.channelMax())
            .put("num_fp16_res", s.numFp16Res())
            .put("architecture", s.architecture())
            .put("use_noise", s.useNoise());
    if (s.convClamp().isPresent()) {
      synthesis.put("conv_clamp", s.convClamp().getAsDouble());
    } else {
      synthesis.putNull("conv_clamp");
    }
    ArrayNode filter = synthesis.putArray("resample_filter");
    s.resampleFilter().forEach(filter::add);
    return root.toString();
  }

  static GeneratorConfig read(String json) throws ModelFormatException {
    try {
      JsonNode root = JSON.readTree(json);
      JsonNode m = field(root, "mapping_kwargs");
      JsonNode s = field(root, "synthesis_kwargs");
      List<Double> filter = new ArrayList<>();
      field(s, "resample_filter").forEach(tap -> filter.add(tap.asDouble()));
      JsonNode clamp = field(s, "conv_clamp");
      return new GeneratorConfig(
          integer(root, "z_dim"),
          integer(root, "c_dim"),
          integer(root, "w_dim"),
          integer(root, "img_resolution"),
          integer(root, "img_channels"),
          new MappingConfig(
              integer(m, "num_layers"),
              integer(m, "embed_features"),
              integer(m, "layer_features"),
              field(m, "lr_multiplier").asDouble(),
              field(m, "w_avg_beta").asDouble()),
          new SynthesisConfig(
              integer(s, "channel_base"),
              integer(s, "channel_max"),
              integer(s, "num_fp16_res"),
              clamp.isNull() ? OptionalDouble.empty() : OptionalDouble.of(clamp.asDouble()),
              field(s, "architecture").asText(),
              filter,
              field(s, "use_noise").asBoolean()));
    } catch (JsonProcessingException e) {
      throw new ModelFormatException("the generator configuration is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("unsupported generator configuration: " + e.getMessage(), e);
    }
  }

  private static JsonNode field(JsonNode node, String name) throws ModelFormatException {
    JsonNode value = node == null ? null : node.get(name);
    if (value == null) {
      throw new ModelFormatException("the generator configuration lacks " + name);
    }
    return value;
  }

  private static int integer(JsonNode node, String name) throws ModelFormatException {
    JsonNode value = field(node, name);
    if (!value.canConvertToInt()) {
      throw new ModelFormatException("the generator configuration's " + name + " is not an integer: " + value);
    }
    return value.intValue();
  }
}
