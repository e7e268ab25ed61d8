package dev.finetoon.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a server on 127.0.0.1: never the internet. */
class ResourceResolverTest {
  @TempDir Path dir;

  private final byte[] content = new byte[5000];
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> log = new ArrayList<>();
  private HttpServer server;
  private Path cache;

  @BeforeEach
  void serve() throws IOException {
    new Random(42).nextBytes(content);
    cache = dir.resolve("cache");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      switch (exchange.getRequestURI().getPath()) {
        case "/metrics/vgg16.pt" -> send(exchange, content.length, content.length);
        case "/chunked/vgg16.pt" -> send(exchange, 0, content.length); // no Content-Length
        case "/truncated/vgg16.pt" -> send(exchange, content.length, content.length / 2);
        case "/broken/vgg16.pt" -> exchange.sendResponseHeaders(500, -1);
        default -> exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
  }

  /** Announces {@code declared} bytes (0: chunked), sends {@code sent}; fewer than announced end the connection. */
  private void send(HttpExchange exchange, long declared, int sent) throws IOException {
    exchange.sendResponseHeaders(200, declared);
    OutputStream out = exchange.getResponseBody();
    out.write(content, 0, sent);
    out.flush();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private CachedResource resource(String path, long minBytes) {
    return new CachedResource("vgg16.pt", url(path), minBytes, "the test network");
  }

  private ResourceResolver.Builder resolver() {
    return ResourceResolver.builder().folder(cache).offline(false).log(log::add);
  }

  @Test
  void downloadsOnceLogsTheSha256AndReusesTheCache() throws IOException {
    ResourceResolver resolver = resolver().build();
    CachedResource vgg = resource("/metrics/vgg16.pt", 1000);

    Path first = resolver.resolve(vgg);
    Path second = resolver.resolve(vgg);

    assertThat(first).isEqualTo(second).isEqualTo(resolver.locate(vgg)).isEqualTo(cache.resolve("vgg16.pt"));
    assertThat(first).hasBinaryContent(content);
    assertThat(requests).hasValue(1);
    String sha = Hashing.sha256().hashBytes(content).toString();
    assertThat(log).anyMatch(line -> line.equals("saved " + first + ": " + content.length + " bytes, sha256 " + sha));
    assertThat(log.get(log.size() - 1)).startsWith("using cached " + first);
    try (var files = Files.list(cache)) {
      assertThat(files).containsExactly(first);
    }
  }

  @Test
  void aChunkedBodyIsDownloadedToo() throws IOException {
    assertThat(resolver().build().resolve(resource("/chunked/vgg16.pt", 1000))).hasBinaryContent(content);
  }

  @Test
  void offlineAndAbsentSaysWhatToDownloadAndWhereWithoutARequest() {
    ResourceResolver resolver = resolver().offline(true).build();
    CachedResource vgg = resource("/metrics/vgg16.pt", 1000);

    assertThatThrownBy(() -> resolver.resolve(vgg))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("the test network is not in the cache and finetoon is offline")
        .hasMessageContaining(ResourceResolver.OFFLINE_PROPERTY)
        .hasMessageContaining(ResourceResolver.OFFLINE_ENV)
        .hasMessageContaining("download " + vgg.url())
        .hasMessageContaining("save it as " + cache.resolve("vgg16.pt"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(requests).hasValue(0);
    assertThat(cache).doesNotExist();
  }

  @Test
  void offlineButPresentUsesTheFileWhateverItsSize() throws IOException {
    Files.createDirectories(cache);
    Path mine = Files.write(cache.resolve("vgg16.pt"), new byte[] {1, 2, 3});

    Path found = resolver().offline(true).build().resolve(resource("/metrics/vgg16.pt", 1000));

    assertThat(found).isEqualTo(mine).hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(requests).hasValue(0);
  }

  @Test
  void somethingOtherThanAFileInItsPlaceIsRefused() throws IOException {
    Files.createDirectories(cache.resolve("vgg16.pt"));

    assertThatThrownBy(() -> resolver().build().resolve(resource("/metrics/vgg16.pt", 1000)))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(cache.resolve("vgg16.pt").toString())
        .hasMessageContaining("not a regular file");
    assertThat(requests).hasValue(0);
  }

  @Test
  void aBodyCutShortLeavesNothingInTheCache() {
    URI url = url("/truncated/vgg16.pt");

    assertThatThrownBy(() -> resolver().build().resolve(resource("/truncated/vgg16.pt", 1000)))
        .isInstanceOf(DownloadException.class)
        .hasMessageStartingWith("downloading " + url + " failed: ")
        .satisfies(e -> assertThat(((DownloadException) e).url()).isEqualTo(url));
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void aBodyLargerThanTheLimitIsRefused() {
    assertThatThrownBy(() -> resolver().maxBytes(1000).build().resolve(resource("/chunked/vgg16.pt", 1)))
        .isInstanceOf(DownloadException.class)
        .hasMessage("downloading " + url("/chunked/vgg16.pt") + " failed: more than the limit of 1000 bytes");
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void aContentLengthAboveTheLimitIsRefusedBeforeReading() {
    assertThatThrownBy(() -> resolver().maxBytes(1000).build().resolve(resource("/metrics/vgg16.pt", 1)))
        .isInstanceOf(DownloadException.class)
        .hasMessage("downloading " + url("/metrics/vgg16.pt") + " failed: the server announces " + content.length
            + " bytes, more than the limit of 1000");
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void aServerErrorIsOneLineAndLeavesNothingInTheCache() {
    assertThatThrownBy(() -> resolver().build().resolve(resource("/broken/vgg16.pt", 1)))
        .isInstanceOf(DownloadException.class)
        .hasMessage("downloading " + url("/broken/vgg16.pt") + " failed: HTTP 500");
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void aDownloadSmallerThanACompleteFileIsRefused() {
    assertThatThrownBy(() -> resolver().build().resolve(resource("/metrics/vgg16.pt", content.length + 1)))
        .isInstanceOf(DownloadException.class)
        .hasMessageEndingWith("got " + content.length + " bytes, a complete file has at least " + (content.length + 1));
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void anInterruptedDownloadKeepsTheInterruptAndLeavesNothing() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> resolver().build().resolve(resource("/metrics/vgg16.pt", 1)))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void fetchCachesAnyUrlUnderItsHashAndLastSegment() throws IOException {
    ResourceResolver resolver = resolver().build();
    URI url = url("/metrics/vgg16.pt?v=1");

    Path first = resolver.fetch(url);
    Path second = resolver.fetch(url);
    Path other = resolver.fetch(url("/metrics/vgg16.pt?v=2"));

    String hash = Hashing.sha256().hashString(url.toString(), StandardCharsets.UTF_8).toString().substring(0, 12);
    assertThat(first).isEqualTo(second).isEqualTo(cache.resolve(hash + "-vgg16.pt")).hasBinaryContent(content);
    assertThat(other).isNotEqualTo(first).hasBinaryContent(content);
    assertThat(requests).hasValue(2);
  }

  @Test
  void fetchOfflineAndAbsentSaysWhatToDownload() {
    URI url = url("/metrics/vgg16.pt");

    assertThatThrownBy(() -> resolver().offline(true).build().fetch(url))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("the file at " + url + " is not in the cache and finetoon is offline")
        .hasMessageContaining("download " + url + " and save it as " + cache);
    assertThat(requests).hasValue(0);
  }

  @Test
  void onlyHttpUrlsAreAccepted() {
    assertThatThrownBy(() -> resolver().build().fetch(URI.create("file:///etc/passwd")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an http(s) URL: file:///etc/passwd");
    assertThatThrownBy(() -> new CachedResource("vgg16.pt", URI.create("ftp://example.org/vgg16.pt"), 1, "net"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCachedResourceNamesAPlainFile() {
    URI url = URI.create("https://example.org/vgg16.pt");
    for (String name : List.of("", ".", "..", "a/b.pt", "a\\b.pt", "../vgg16.pt")) {
      assertThatThrownBy(() -> new CachedResource(name, url, 1, "net"))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not a plain file name");
    }
    assertThat(ResourceResolver.builder().folder(cache).build().locate(CachedResource.LPIPS_VGG16))
        .isEqualTo(cache.resolve("vgg16.pt"));
  }

  @Test
  void defaultsReadTheSystemPropertiesWhenCalled() {
    String oldDir = System.getProperty(ResourceResolver.CACHE_DIR_PROPERTY);
    String oldOffline = System.getProperty(ResourceResolver.OFFLINE_PROPERTY);
    try {
      System.setProperty(ResourceResolver.CACHE_DIR_PROPERTY, cache.toString());
      System.setProperty(ResourceResolver.OFFLINE_PROPERTY, "YES");
      ResourceResolver offline = ResourceResolver.defaults();
      assertThat(offline.folder()).isEqualTo(cache);
      assertThat(offline.offline()).isTrue();

      System.setProperty(ResourceResolver.OFFLINE_PROPERTY, "false");
      assertThat(ResourceResolver.defaults().offline()).isFalse();

      System.clearProperty(ResourceResolver.CACHE_DIR_PROPERTY);
      String env = System.getenv(ResourceResolver.CACHE_DIR_ENV);
      Path expected =
          env != null && !env.isBlank()
              ? Path.of(env.trim()).toAbsolutePath()
              : Path.of(System.getProperty("user.home"), ".cache", "finetoon").toAbsolutePath();
      assertThat(ResourceResolver.defaults().folder()).isEqualTo(expected);
    } finally {
      restore(ResourceResolver.CACHE_DIR_PROPERTY, oldDir);
      restore(ResourceResolver.OFFLINE_PROPERTY, oldOffline);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
