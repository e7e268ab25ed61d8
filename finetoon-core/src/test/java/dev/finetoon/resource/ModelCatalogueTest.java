package dev.finetoon.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.finetoon.fuzz.CorpusSeeds;
import dev.finetoon.io.ModelFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a server on 127.0.0.1 that honours Range requests: never the internet. */
class ModelCatalogueTest {
  private static final int RESOLUTION = 8;

  @TempDir Path dir;

  private final List<String> ranges = new CopyOnWriteArrayList<>();
  private byte[] model;
  private byte[] torchScript;
  private byte[] noise;
  /** How many bytes the next response sends before it drops the connection; -1: all. */
  private volatile int cutAfter = -1;
  private HttpServer server;
  private Path cache;

  @BeforeEach
  void serve() throws IOException {
    Path file = dir.resolve("model.safetensors");
    ModelFiles.write(CorpusSeeds.tinyModel(3), file); // 8 px
    model = Files.readAllBytes(file);
    torchScript = zip("vgg16/data.pkl", "vgg16/code/__torch__/vgg.py", "vgg16/version");
    noise = new byte[model.length];
    new Random(5).nextBytes(noise);
    cache = dir.resolve("cache");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      switch (exchange.getRequestURI().getPath()) {
        case "/model.pkl" -> send(exchange, model);
        case "/noise.pkl" -> send(exchange, noise);
        case "/vgg16.pt" -> send(exchange, torchScript);
        case "/notscript.pt" -> send(exchange, zip("archive/data.pkl", "archive/version"));
        default -> exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
  }

  /** The body, or from a {@code Range: bytes=N-} request its tail as a 206; {@link #cutAfter} cuts it short. */
  private void send(HttpExchange exchange, byte[] body) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    int from = 0;
    if (range != null) {
      ranges.add(range);
      from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      if (from >= body.length) {
        exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      exchange.getResponseHeaders().add("Content-Range",
          "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
    }
    exchange.sendResponseHeaders(range != null ? 206 : 200, body.length - from);
    int sent = cutAfter >= 0 ? Math.min(cutAfter, body.length - from) : body.length - from;
    cutAfter = -1;
    OutputStream out = exchange.getResponseBody();
    out.write(body, from, sent);
    out.flush();
  }

  private static byte[] zip(String... names) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String name : names) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private CachedResource resource(String path, long minBytes) {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    return new CachedResource(path.substring(1), url, minBytes, "the test network");
  }

  private ModelCatalogue catalogue() {
    return ModelCatalogue.of(List.of(
        CatalogueEntry.generator("tiny", resource("/model.pkl", 100), 5000, RESOLUTION, "test"),
        CatalogueEntry.generator("huge", resource("/model.pkl", 100), 5000, 1024, "test"),
        CatalogueEntry.generator("greedy", resource("/model.pkl", 10_000_000), 5000, RESOLUTION, "test"),
        CatalogueEntry.generator("noise", resource("/noise.pkl", 100), 5000, RESOLUTION, "test"),
        CatalogueEntry.torchScript("vgg", resource("/vgg16.pt", 10), 5000, "test"),
        CatalogueEntry.torchScript("notscript", resource("/notscript.pt", 10), 5000, "test")));
  }

  private ResourceResolver resolver(boolean offline) {
    return ResourceResolver.builder().folder(cache).offline(offline).log(line -> {}).build();
  }

  private List<String> cacheFiles() throws IOException {
    if (!Files.exists(cache)) {
      return List.of();
    }
    try (var files = Files.list(cache)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void pullsIntoTheResolversFolderReportsProgressAndReadsTheModel() throws IOException {
    List<long[]> updates = new ArrayList<>();
    Path file = catalogue().pull("tiny", resolver(false), (bytes, total) -> updates.add(new long[] {bytes, total}));

    assertThat(file).isEqualTo(cache.resolve("model.pkl")).hasBinaryContent(model);
    assertThat(ModelFiles.read(file).config().imgResolution()).isEqualTo(RESOLUTION);
    assertThat(updates.get(0)).containsExactly(0, model.length);
    assertThat(updates.get(updates.size() - 1)).containsExactly(model.length, model.length);
    assertThat(cacheFiles()).containsExactly("model.pkl");
    assertThat(ranges).isEmpty();
  }

  @Test
  void aBrokenConnectionKeepsThePartAndTheNextPullResumesWithARange() throws IOException {
    int half = model.length / 2;
    cutAfter = half;
    assertThatThrownBy(() -> catalogue().pull("tiny", resolver(false), DownloadProgress.NONE))
        .isInstanceOf(DownloadException.class)
        .hasMessageContaining("run again to resume");
    assertThat(cacheFiles()).containsExactly(".model.pkl.part");
    assertThat(cache.resolve(".model.pkl.part")).hasSize(half);

    List<Long> firstUpdate = new ArrayList<>();
    Path file = catalogue().pull("tiny", resolver(false), (bytes, total) -> {
      if (firstUpdate.isEmpty()) {
        firstUpdate.add(bytes);
      }
    });

    assertThat(ranges).containsExactly("bytes=" + half + "-");
    assertThat(firstUpdate).containsExactly((long) half);
    assertThat(file).hasBinaryContent(model);
    assertThat(cacheFiles()).containsExactly("model.pkl");
  }

  @Test
  void aCompletePartIsFinishedByTheServersRangeAnswer() throws IOException {
    Files.createDirectories(cache);
    Files.write(cache.resolve(".model.pkl.part"), model);

    assertThat(catalogue().pull("tiny", resolver(false), DownloadProgress.NONE)).hasBinaryContent(model);
    assertThat(ranges).containsExactly("bytes=" + model.length + "-");
  }

  @Test
  void aDownloadSmallerThanACompleteFileIsRefusedAndDeleted() throws IOException {
    assertThatThrownBy(() -> catalogue().pull("greedy", resolver(false), DownloadProgress.NONE))
        .isInstanceOf(DownloadException.class)
        .hasMessageContaining("got " + model.length + " bytes, a complete file has at least 10000000");
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void aFileThatDoesNotReadAsAGeneratorIsRefusedAndDeleted() throws IOException {
    assertThatThrownBy(() -> catalogue().pull("noise", resolver(false), DownloadProgress.NONE))
        .isInstanceOf(DownloadException.class)
        .hasMessageContaining("it does not read as a generator")
        .hasMessageContaining("is neither a pickle");
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void aGeneratorOfAnotherResolutionIsRefused() throws IOException {
    assertThatThrownBy(() -> catalogue().pull("huge", resolver(false), DownloadProgress.NONE))
        .isInstanceOf(DownloadException.class)
        .hasMessageContaining("it is a 8² generator, \"huge\" is 1024²");
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void torchScriptIsCheckedForItsCode() throws IOException {
    assertThat(catalogue().pull("vgg", resolver(false), DownloadProgress.NONE)).hasBinaryContent(torchScript);
    assertThatThrownBy(() -> catalogue().pull("notscript", resolver(false), DownloadProgress.NONE))
        .isInstanceOf(DownloadException.class)
        .hasMessageContaining("not TorchScript");
  }

  @Test
  void offlineSaysWhatToDownloadWithoutARequestAndUsesWhatIsCached() throws IOException {
    assertThatThrownBy(() -> catalogue().pull("tiny", resolver(true), DownloadProgress.NONE))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("finetoon is offline")
        .hasMessageContaining("save it as " + cache.resolve("model.pkl"));
    assertThat(cacheFiles()).isEmpty();

    catalogue().pull("tiny", resolver(false), DownloadProgress.NONE);
    assertThat(catalogue().pull("tiny", resolver(true), DownloadProgress.NONE)).hasBinaryContent(model);
  }

  @Test
  void anUnknownNameListsTheCatalogue() {
    assertThatThrownBy(() -> catalogue().pull("ffhq", resolver(false), DownloadProgress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no network \"ffhq\" in the catalogue; it has [tiny, huge, greedy, noise, vgg, notscript]");
  }

  @Test
  void nvidiasCatalogueNamesItsPublishedFiles() {
    ModelCatalogue nvidia = ModelCatalogue.nvidia();
    assertThat(nvidia.entries()).extracting(CatalogueEntry::name)
        .containsExactly("ffhq-res256", "ffhq", "metfaces", "vgg16");
    assertThat(nvidia.find("ffhq-res256").orElseThrow().resource().url()).hasToString(
        "https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/transfer-learning-source-nets/"
            + "ffhq-res256-mirror-paper256-noaug.pkl");
    assertThat(nvidia.find("metfaces").orElseThrow().resolution()).isEqualTo(1024);
    assertThat(nvidia.find("vgg16").orElseThrow().resource()).isEqualTo(CachedResource.LPIPS_VGG16);
  }
}
