package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.Device;
import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.Projector;
import dev.finetoon.Toonifier;
import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.image.RgbImage;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.project.Projection;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.resource.CachedResource;
import dev.finetoon.resource.ResourceResolver;
import dev.finetoon.testing.ReferenceCases;
import dev.finetoon.testing.ReferenceData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Toonifier and Projector as sessions a host app keeps open: what they load once, and what they check up front. */
class ToonifierSessionTest {
  @TempDir Path dir;

  private static List<BufferedImage> generatedPhotos(StyleGanModel base, int count) {
    List<Long> seeds = new ArrayList<>();
    for (long s = 0; s < count; s++) {
      seeds.add(20 + s);
    }
    try (Generator g = Generators.open(base)) {
      return Images.toImages(g.generate(seeds, Truncation.of(0.7), Noise.CONST));
    }
  }

  @Test
  void fivePhotosInOneToonifierLoadTheFeatureNetworkAndTheWStatisticsOnce() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    List<BufferedImage> photos = generatedPhotos(base, 5);
    int loads = LpipsFeatures.LOADS.get();
    int statistics = DjlProjector.STATISTICS_COMPUTED.get();
    try (Toonifier toonifier = Toonifier.builder().base(base).blend(ReferenceCases.model("toon"), 16, 32)
        .featureNetwork(ReferenceData.tiny("tiny_lpips.pt")).projection(ProjectionOptions.defaults().withSteps(2))
        .centreCrop().build()) {
      for (BufferedImage photo : photos) {
        assertThat(toonifier.toonify(photo).projection().losses()).hasSize(2);
      }
    }
    assertThat(LpipsFeatures.LOADS.get() - loads).as("feature network loads").isEqualTo(1);
    assertThat(DjlProjector.STATISTICS_COMPUTED.get() - statistics).as("w statistics computed").isEqualTo(1);
  }

  @Test
  void projectionsInOneSessionAreIndependentAndEqualAFreshSessions() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    List<BufferedImage> photos = generatedPhotos(base, 2);
    ProjectionOptions options = ProjectionOptions.defaults().withSteps(20);
    Projector.Builder builder = Projector.builder().model(base).featureNetwork(ReferenceData.tiny("tiny_lpips.pt"))
        .options(options).device(Device.cpu());
    Projection first;
    Projection other;
    Projection again;
    try (Projector session = builder.build()) {
      first = session.project(RgbImage.from(photos.get(0)));
      other = session.project(RgbImage.from(photos.get(1)));
      again = session.project(RgbImage.from(photos.get(0)).toTensor(), ProjectionListener.NONE);
    }
    Projection fresh;
    try (Projector session = builder.build()) {
      fresh = session.project(RgbImage.from(photos.get(0)));
    }
    assertThat(again.ws()).isEqualTo(first.ws());
    assertThat(again.losses()).isEqualTo(first.losses());
    assertThat(again.noise()).isEqualTo(first.noise());
    assertThat(fresh.ws()).isEqualTo(first.ws());
    assertThat(other.ws()).isNotEqualTo(first.ws());
  }

  @Test
  void aMissingFeatureNetworkFailsAtBuildNamingTheFile() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    Path missing = dir.resolve("vgg16.pt");
    assertThatThrownBy(() -> Toonifier.builder().base(base).blend(ReferenceCases.model("toon"), 32)
        .featureNetwork(missing).centreCrop().build())
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void offlineWithAnEmptyCacheTheHeadlineCallFailsAtBuildSayingWhereToPutTheFile() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    ResourceResolver offline = ResourceResolver.builder().folder(dir.resolve("cache")).offline(true).build();
    assertThatThrownBy(() -> Toonifier.builder().base(base).blend(ReferenceCases.model("toon"), 32)
        .resources(offline).build())
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("cache").resolve("vgg16.pt").toString())
        .hasMessageContaining(CachedResource.LPIPS_VGG16.url().toString())
        .hasMessageContaining("offline");
  }

  @Test
  void aNetworkPlacedInTheCacheIsUsedByTheHeadlineCall() throws IOException {
    StyleGanModel base = ReferenceCases.model("base");
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.copy(ReferenceData.tiny("tiny_lpips.pt"), cache.resolve("vgg16.pt"));
    ResourceResolver offline = ResourceResolver.builder().folder(cache).offline(true).build();
    BufferedImage photo = generatedPhotos(base, 1).get(0);
    try (Toonifier toonifier = Toonifier.builder().base(base).blend(ReferenceCases.model("toon"), 16, 32)
        .resources(offline).projection(ProjectionOptions.defaults().withSteps(3)).centreCrop().build()) {
      Toonifier.Result result = toonifier.toonify(photo);
      assertThat(result.toonified().getWidth()).isEqualTo(32);
      assertThat(result.projection().losses()).hasSize(3);
    }
  }

  @Test
  void aGpuThatIsNotThereFallsBackToTheCpu() {
    assertThat(DjlDevices.of(Device.gpu(0))).isEqualTo(ai.djl.Device.cpu());
    assertThat(DjlDevices.of(Device.auto())).isEqualTo(ai.djl.Device.cpu());
    assertThat(DjlDevices.of(Device.cpu())).isEqualTo(ai.djl.Device.cpu());
  }
}
