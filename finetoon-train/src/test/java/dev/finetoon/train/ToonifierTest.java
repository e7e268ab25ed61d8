package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Toonifier;
import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A photo made by the human model, toonified end to end on the tiny models. */
class ToonifierTest {
  @Test
  void toonifiesAGeneratedFaceWithTheBlendedModel() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    StyleGanModel toon = ReferenceCases.model("toon");
    BufferedImage photo;
    try (Generator g = Generators.open(base)) {
      photo = Images.toImages(g.generate(List.of(11L), Truncation.of(0.7), Noise.CONST)).get(0);
    }
    ProjectionOptions options = ProjectionOptions.defaults(ReferenceData.tiny("tiny_lpips.pt")).withSteps(100);
    try (Toonifier toonifier = Toonifier.builder().base(base).blend(toon, 16, 32).projection(options).build();
        Generator blend = Generators.open(toonifier.toonModel())) {
      Toonifier.Result result = toonifier.toonify(RgbImage.from(photo), (step, steps, distance, loss) -> true);

      Tensor ws = result.projection().ws();
      BufferedImage expected = Images.toImages(blend.synthesis(ws.reshape(1, ws.dim(0), ws.dim(1)), Noise.CONST)).get(0);
      assertThat(RgbImage.from(result.toonified())).isEqualTo(RgbImage.from(expected));
      assertThat(RgbImage.from(result.target())).isEqualTo(RgbImage.from(photo));
      assertThat(RgbImage.from(result.toonified())).isNotEqualTo(RgbImage.from(result.reconstruction()));
      assertThat(result.projection().losses()).hasSize(100);
      assertThat(result.projection().losses().get(99)).isLessThan(result.projection().losses().get(0));
      assertThat(toonifier.toonModel().provenance()).containsEntry("blend.alpha", "16=1.0,32=1.0");
    }
  }
}
