package dev.finetoon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetoon.LayerBlender;
import dev.finetoon.NoiseMode;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.io.NpyFile;
import dev.finetoon.io.pickle.NvidiaPickleReader;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The cases of {@code tiny.json}, NVIDIA's recorded outputs, as typed values for parameterised tests. */
public final class ReferenceCases {
  private static final ConcurrentHashMap<String, StyleGanModel> MODELS = new ConcurrentHashMap<>();

  private ReferenceCases() {}

  /** One {@code kind: generate} case. */
  public record Generate(
      String model, List<Long> seeds, Truncation truncation, NoiseMode noise, String wsFile, String imgFile) {
    public Tensor ws() {
      return array(wsFile);
    }

    public Tensor img() {
      return array(imgFile);
    }

    @Override
    public String toString() {
      return imgFile.replace("_img.npy", "");
    }
  }

  public static JsonNode index() {
    try {
      return new ObjectMapper().readTree(ReferenceData.tiny("tiny.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generate cases, or one case that skips (via {@link ReferenceData#tiny()}) when the data is absent. */
  public static Stream<Generate> generate() {
    List<Generate> out = new ArrayList<>();
    for (JsonNode c : index().get("cases")) {
      if (!c.get("kind").asText().equals("generate")) {
        continue;
      }
      List<Long> seeds = new ArrayList<>();
      c.get("seeds").forEach(s -> seeds.add(s.asLong()));
      Truncation t = Truncation.of(c.get("psi").asDouble());
      if (!c.get("truncation_cutoff").isNull()) {
        t = t.withCutoff(c.get("truncation_cutoff").asInt());
      }
      out.add(new Generate(modelKey(c.get("model")), seeds, t,
          NoiseMode.valueOf(c.get("noise_mode").asText().toUpperCase()), c.get("ws").asText(), c.get("img").asText()));
    }
    return out.stream();
  }

  /** {@code base}, {@code toon}, or {@code blend_16_32} for a model spec of tiny.json. */
  public static String modelKey(JsonNode spec) {
    if (spec.has("toon")) {
      return "toon";
    }
    if (!spec.has("toon_blocks")) {
      return "base";
    }
    StringBuilder key = new StringBuilder("blend");
    spec.get("toon_blocks").forEach(b -> key.append('_').append(b.asInt()));
    return key.toString();
  }

  /** The model for a key from {@link #modelKey}: the pickles, or the base with the toon's blocks swapped in. */
  public static StyleGanModel model(String key) {
    return MODELS.computeIfAbsent(key, k -> {
      try {
        if (k.equals("base")) {
          return NvidiaPickleReader.read(ReferenceData.tiny("tiny_base.pkl"));
        }
        if (k.equals("toon")) {
          return NvidiaPickleReader.read(ReferenceData.tiny("tiny_toon.pkl"));
        }
        int[] blocks = Stream.of(k.split("_")).skip(1).mapToInt(Integer::parseInt).toArray();
        return LayerBlender.swap(model("base"), model("toon"), blocks);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A reference array as float32. */
  public static Tensor array(String file) {
    Path path = ReferenceData.tiny(file);
    try {
      return NpyFile.read(path).toTensor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
