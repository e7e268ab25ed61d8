package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.io.NpyFile;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** NVIDIA's projector pieces on the tiny base model, and a projection that converges. */
class ProjectorTest {
  private static JsonNode projectionCase() {
    for (JsonNode c : ReferenceCases.index().get("cases")) {
      if (c.get("kind").asText().equals("projection")) {
        return c;
      }
    }
    throw new AssertionError("no projection case");
  }

  /** A session on the reference case's feature network. */
  private static DjlProjector projector(StyleGanModel model, JsonNode c, ProjectionOptions options)
      throws IOException {
    return new DjlProjector(model, options, LpipsFeatures.load(ReferenceData.tiny(c.get("lpips").asText())),
        ai.djl.Device.cpu());
  }

  /** The reference target, {@code [32, 32, 3]} uint8, as {@code [1, 3, 32, 32]} in 0..255. */
  static Tensor referenceTarget(JsonNode c) throws IOException {
    float[] hwc =
        NpyFile.read(ReferenceData.tiny(c.get("target_after_center_crop_and_lanczos").asText())).toTensor().toArray();
    int r = 32;
    float[] chw = new float[hwc.length];
    for (int y = 0; y < r; y++) {
      for (int x = 0; x < r; x++) {
        for (int ch = 0; ch < 3; ch++) {
          chw[(ch * r + y) * r + x] = hwc[(y * r + x) * 3 + ch];
        }
      }
    }
    return Tensor.of(chw, 1, 3, r, r);
  }

  @Test
  void distanceAtWAvgAndNoiseRegularizationMatchNvidia() throws IOException {
    JsonNode c = projectionCase();
    StyleGanModel base = ReferenceCases.model("base");
    Tensor wAvg = ReferenceCases.array(c.get("w_avg").asText());
    Tensor ws =
        Tensor.concat(java.util.Collections.nCopies(8, wAvg.reshape(1, 32)).toArray(Tensor[]::new)).reshape(1, 8, 32);
    try (DjlProjector projector = projector(base, c, ProjectionOptions.defaults())) {
      double expectedDistance = c.get("dist_at_w_avg_const_noise").asDouble();
      double expectedRegularization = c.get("noise_reg_of_const_buffers").asDouble();
      assertThat(projector.distance(referenceTarget(c), ws))
          .isCloseTo(expectedDistance, within(1e-4 * expectedDistance));
      assertThat(projector.noiseRegularization())
          .isCloseTo(expectedRegularization, within(1e-4 * expectedRegularization));
    }
  }

  @Test
  void projectsOnAThreadOtherThanTheEngines() throws Exception {
    JsonNode c = projectionCase();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    StyleGanModel base = ReferenceCases.model("base");
    try (DjlProjector projector = projector(base, c, ProjectionOptions.defaults().withSteps(3))) {
      Projection here = projector.project(referenceTarget(c), (step, steps, distance, loss) -> true);
      // A fresh thread records gradients by PyTorch's default (DJL turned that off on this thread only).
      Projection there = pool.submit(() -> projector.project(referenceTarget(c), (step, steps, d, loss) -> true)).get();

      assertThat(there.ws()).isEqualTo(here.ws());
      assertThat(there.losses()).isEqualTo(here.losses());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void projectingAGeneratedImageRecoversIt() throws IOException {
    JsonNode c = projectionCase();
    StyleGanModel base = ReferenceCases.model("base");
    Tensor target;
    Tensor knownWs;
    try (DjlGenerator g = DjlGenerator.create(base)) {
      var z = DjlTensors.toNDArray(g.manager(), dev.finetoon.seed.NumpyRandomState.latents(List.of(7L), 32));
      var ws = g.mapping(z, null, Truncation.of(0.7));
      knownWs = DjlTensors.toTensor(ws);
      var img = g.synthesis(ws, Noise.CONST);
      target = DjlTensors.toTensor(img.add(1).mul(127.5f).clip(0, 255));
    }
    Tensor wAvg = ReferenceCases.array(c.get("w_avg").asText());
    Tensor atAvg =
        Tensor.concat(java.util.Collections.nCopies(8, wAvg.reshape(1, 32)).toArray(Tensor[]::new)).reshape(1, 8, 32);
    try (DjlProjector projector = projector(base, c, ProjectionOptions.defaults().withSteps(300))) {
      double start = projector.distance(target, atAvg);
      Projection p = projector.project(target, (step, steps, distance, loss) -> true);
      double end = projector.distance(target, p.ws().reshape(1, 8, 32));

      assertThat(p.losses()).hasSize(300);
      assertThat(end).as("distance after 300 steps vs at w_avg (%s)", start).isLessThan(0.25 * start);
      assertThat(p.ws().shape()).containsExactly(8, 32);
      assertThat(p.noise()).containsKey("synthesis.b32.conv1.noise_const");
      assertThat(knownWs.shape()).containsExactly(1, 8, 32);
    }
  }
}
