package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.finetoon.resource.CachedResource;
import dev.finetoon.resource.ResourceResolver;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's feature network: {@code --vgg-url} against a server on 127.0.0.1 (never the internet), and the library's
 * resource cache when neither {@code --vgg} nor {@code --vgg-url} is given. The resolver itself is tested in
 * finetoon-core ({@code ResourceResolverTest}).
 */
class FeatureNetworkOptionsTest {
  @TempDir Path dir;

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private byte[] vgg;

  @BeforeEach
  void serve() throws IOException {
    vgg = Files.readAllBytes(ReferenceData.tiny("tiny_lpips.pt"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/metrics/vgg16.pt", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, vgg.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(vgg);
      }
    });
    server.createContext("/broken/vgg16.pt", exchange -> {
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
    });
    server.createContext("/truncated/vgg16.pt", exchange -> {
      exchange.sendResponseHeaders(200, vgg.length);
      exchange.getResponseBody().write(vgg, 0, vgg.length / 2);
      exchange.close(); // half the promised body, then the connection ends
    });
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) { // null where serve() was skipped for want of ../shared
      server.stop(0);
    }
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void aServerErrorIsOneLineAndLeavesNothingInTheCache() throws IOException {
    Path cache = dir.resolve("cache");
    Path photo = ProjectCommandTest.generatedPhoto(dir);
    CliRun run =
        CliRun.of("project", "--network", ReferenceData.tiny("tiny_base.pkl"), "--target", photo,
            "--vgg-url", url("/broken/vgg16.pt"), "--cache-dir", cache, "--outdir", dir.resolve("out"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("finetoon: error: downloading " + url("/broken/vgg16.pt") + " failed: HTTP 500"
            + System.lineSeparator());
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void projectDownloadsTheFeatureNetworkItNeeds() throws IOException {
    Path photo = ProjectCommandTest.generatedPhoto(dir);
    CliRun run =
        CliRun.of("project", "--network", ReferenceData.tiny("tiny_base.pkl"), "--target", photo,
            "--vgg-url", url("/metrics/vgg16.pt"), "--cache-dir", dir.resolve("cache"), "--num-steps", "2",
            "--outdir", dir.resolve("out"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("downloading " + url("/metrics/vgg16.pt"), "sha256 ");
    assertThat(dir.resolve("out/projected_w.npz")).isRegularFile();
  }

  @Test
  void vggAndVggUrlExcludeEachOther() {
    CliRun run =
        CliRun.of("project", "--network", "g.pkl", "--target", "p.png", "--vgg", "v.pt", "--vgg-url", url("/x"),
            "--outdir", dir);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
  }

  @Test
  void withoutVggTheCachedNetworkIsUsedOffline() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.write(cache.resolve("vgg16.pt"), vgg);
    Path photo = ProjectCommandTest.generatedPhoto(dir);
    CliRun run = offline(() -> CliRun.of("project", "--network", ReferenceData.tiny("tiny_base.pkl"), "--target",
        photo, "--cache-dir", cache, "--num-steps", "2", "--outdir", dir.resolve("out")));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(dir.resolve("out/projected_w.npz")).isRegularFile();
    assertThat(requests).hasValue(0);
  }

  @Test
  void withoutVggOfflineAndNotCachedIsOneLineSayingWhereToPutIt() throws IOException {
    Path cache = dir.resolve("cache");
    Path photo = ProjectCommandTest.generatedPhoto(dir);
    CliRun run = offline(() -> CliRun.of("project", "--network", ReferenceData.tiny("tiny_base.pkl"), "--target",
        photo, "--cache-dir", cache, "--outdir", dir.resolve("out")));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).contains(cache.resolve("vgg16.pt").toString(), CachedResource.LPIPS_VGG16.url().toString(),
        "offline");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  private static CliRun offline(java.util.function.Supplier<CliRun> run) {
    String before = System.getProperty(ResourceResolver.OFFLINE_PROPERTY);
    System.setProperty(ResourceResolver.OFFLINE_PROPERTY, "true");
    try {
      return run.get();
    } finally {
      if (before == null) {
        System.clearProperty(ResourceResolver.OFFLINE_PROPERTY);
      } else {
        System.setProperty(ResourceResolver.OFFLINE_PROPERTY, before);
      }
    }
  }
}
