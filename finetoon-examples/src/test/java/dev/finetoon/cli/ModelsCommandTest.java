package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.resource.ResourceResolver;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalogue's CLI; downloads themselves are ModelCatalogueTest's, against a local server. */
class ModelsCommandTest {
  @TempDir Path dir;

  @Test
  void listShowsEveryEntryWithItsUrlLicenceAndWhetherItIsCached() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.copy(ReferenceData.tiny("tiny_base.pkl"), cache.resolve("ffhq.pkl"));
    CliRun run = CliRun.of("models", "list", "--cache-dir", cache);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("ffhq-res256 +256² generator +about +290 MB +not cached")
        .containsPattern("ffhq +1024² generator +about +364 MB +cached: " + cache.resolve("ffhq.pkl"))
        .contains("https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metfaces.pkl",
            "metrics/vgg16.pt", "licence: NVIDIA Source Code License-NC", "cache: " + cache);
  }

  @Test
  void aCatalogueNameWorksWhereAModelPathDoes() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.copy(ReferenceData.tiny("tiny_base.pkl"), cache.resolve("ffhq.pkl"));
    CliRun info = CliRun.of("info", "ffhq", "--cache-dir", cache);
    CliRun generate = CliRun.of("generate", "--network", "ffhq", "--cache-dir", cache, "--seeds", "0",
        "--outdir", dir.resolve("out"));

    assertThat(info.exitCode()).as(info.err()).isZero();
    assertThat(info.out()).contains("using cached " + cache.resolve("ffhq.pkl"), "resolution 32");
    assertThat(generate.exitCode()).as(generate.err()).isZero();
    assertThat(dir.resolve("out").resolve("seed0000.png")).isRegularFile();
  }

  @Test
  void pullOfflineSaysWhatToDownloadAndAnUnknownNameListsTheCatalogue() {
    String before = System.getProperty(ResourceResolver.OFFLINE_PROPERTY);
    System.setProperty(ResourceResolver.OFFLINE_PROPERTY, "true");
    try {
      CliRun offline = CliRun.of("models", "pull", "metfaces", "--cache-dir", dir);
      assertThat(offline.exitCode()).isEqualTo(1);
      assertThat(offline.err()).startsWith("finetoon: error: no such file: " + dir.resolve("metfaces.pkl"))
          .contains("finetoon is offline", "download https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/"
              + "pretrained/metfaces.pkl");
    } finally {
      if (before == null) {
        System.clearProperty(ResourceResolver.OFFLINE_PROPERTY);
      } else {
        System.setProperty(ResourceResolver.OFFLINE_PROPERTY, before);
      }
    }
    CliRun unknown = CliRun.of("models", "pull", "celeba", "--cache-dir", dir);
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("finetoon: error: no network \"celeba\" in the catalogue; it has "
        + "[ffhq-res256, ffhq, metfaces, vgg16]" + System.lineSeparator());
    assertThat(CliRun.of("models").err()).startsWith("finetoon: error: give a subcommand");
  }
}
