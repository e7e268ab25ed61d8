package dev.finetoon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetoon.Tensor;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyFile;
import dev.finetoon.io.pickle.RosinalityReader;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The cases of {@code formats/shared.json}: models in other formats and what their own code computed from them. */
public final class FormatCases {
  private FormatCases() {}

  /** One case with one of its model files ({@code ros_train.pt:g_ema}, {@code tf_sg2019.pkl (…)}). */
  public record Case(JsonNode spec, String modelFile) {
    public String kind() {
      return spec.get("kind").asText();
    }

    public double psi() {
      return spec.path("psi").asDouble(1.0);
    }

    /** The file name alone, without the key or comment. */
    public String file() {
      return modelFile.split("[: ]")[0];
    }

    /** The array named by a field of the case. */
    public Tensor array(String field) {
      return FormatCases.array(spec.get(field).asText());
    }

    /**
     * The case's model as finetoon reads it: rosinality files with the case's truncation latent where it is an
     * array of its own (the file's {@code latent_avg} otherwise), other formats by {@link ModelFiles#read}.
     */
    public StyleGanModel model() {
      return FormatCases.model(file(), spec.path("truncation_latent").asText(""));
    }

    @Override
    public String toString() {
      return spec.path("model").asText() + " " + kind() + " psi " + psi() + " from " + modelFile;
    }
  }

  public static JsonNode index() {
    try {
      return new ObjectMapper().readTree(ReferenceData.formats("shared.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every case of these kinds, once per model file; skips (via {@link ReferenceData#formats()}) when absent. */
  public static Stream<Case> of(String... kinds) {
    List<Case> out = new ArrayList<>();
    for (JsonNode c : index().get("cases")) {
      if (List.of(kinds).contains(c.get("kind").asText()) && !c.path("optional").asBoolean(false)) {
        if (c.has("model_files")) {
          c.get("model_files").forEach(f -> out.add(new Case(c, f.asText())));
        } else {
          out.add(new Case(c, c.path("base").asText()));
        }
      }
    }
    return out.stream();
  }

  /** A model file read as finetoon reads it; {@code latent} is an {@code .npy} of the reference, or ignored. */
  public static StyleGanModel model(String file, String latent) {
    try {
      if (file.endsWith(".pt")) {
        Tensor given = latent.endsWith(".npy") ? array(latent) : null;
        return RosinalityReader.read(ReferenceData.formats(file), given);
      }
      return ModelFiles.read(ReferenceData.formats(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A reference array as float32. */
  public static Tensor array(String file) {
    try {
      return NpyFile.read(ReferenceData.formats(file)).toTensor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
