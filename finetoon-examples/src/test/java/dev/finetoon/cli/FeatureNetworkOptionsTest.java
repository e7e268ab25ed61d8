package dev.finetoon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.finetoon.FinetoonException;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --vgg-url} against a server on 127.0.0.1: never the internet. */
class CachedDownloadTest {
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
  void downloadsOnceLogsTheSha256AndReusesTheCache() throws IOException, NoSuchAlgorithmException {
    List<String> log = new ArrayList<>();
    CachedDownload download = new CachedDownload(dir.resolve("cache"), log::add);

    Path first = download.fetch(url("/metrics/vgg16.pt"));
    Path second = download.fetch(url("/metrics/vgg16.pt"));

    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(vgg));
    assertThat(first).isEqualTo(second).hasParent(dir.resolve("cache")).hasBinaryContent(vgg);
    assertThat(first.getFileName().toString()).endsWith("-vgg16.pt");
    assertThat(requests).hasValue(1);
    assertThat(log).anyMatch(line -> line.contains(vgg.length + " bytes, sha256 " + sha));
    assertThat(log.get(log.size() - 1)).startsWith("using cached " + first);
    assertThat(dir.resolve("cache")).isDirectoryContaining(p -> p.equals(first))
        .isDirectoryNotContaining(p -> !p.equals(first));
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
  void aBodyCutShortLeavesNothingInTheCache() {
    Path cache = dir.resolve("cache");
    CachedDownload download = new CachedDownload(cache, line -> {});

    assertThatThrownBy(() -> download.fetch(url("/truncated/vgg16.pt")))
        .isInstanceOf(FinetoonException.class)
        .hasMessageStartingWith("downloading " + url("/truncated/vgg16.pt") + " failed: ");
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
}
