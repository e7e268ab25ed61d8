package dev.finetoon.cli;

import dev.finetoon.FinetoonException;
import dev.finetoon.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Fetches a file over HTTP(S) once and reuses it afterwards. The body is written with {@link AtomicFiles}, its
 * SHA-256 computed on the way, so it lands in the cache only when complete: a failed or interrupted download leaves
 * nothing behind.
 *
 * <pre>{@code
 * Path vgg = new CachedDownload(CachedDownload.defaultFolder(), System.out::println).fetch(URI.create(url));
 * }</pre>
 */
final class CachedDownload {
  /** NVIDIA's LPIPS feature network, as {@code projector.py} downloads it. */
  static final String NVIDIA_VGG16 =
      "https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metrics/vgg16.pt";

  /** Far above any feature network (NVIDIA's vgg16.pt is 528 MB); a larger body is refused. */
  private static final long MAX_BYTES = 4L << 30;

  private final Path folder;
  private final Consumer<String> log;
  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofSeconds(30))
          .build();

  CachedDownload(Path folder, Consumer<String> log) {
    this.folder = folder;
    this.log = log;
  }

  /** {@code ~/.cache/finetoon}. */
  static Path defaultFolder() {
    return Path.of(System.getProperty("user.home"), ".cache", "finetoon");
  }

  /** Where {@code url} is cached: its last path segment, prefixed by a hash of the whole URL. */
  Path cachedFile(URI url) {
    String path = url.getPath() == null ? "" : url.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    String hash = HexFormat.of().formatHex(sha256().digest(url.toString().getBytes(StandardCharsets.UTF_8)));
    return folder.resolve(hash.substring(0, 12) + "-" + (name.isEmpty() ? "download" : name));
  }

  /** The cached copy of {@code url}, downloaded first if there is none. */
  Path fetch(URI url) throws IOException {
    String scheme = url.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
      throw new FinetoonException("not an http(s) URL: " + url);
    }
    Path target = cachedFile(url);
    if (Files.isRegularFile(target)) {
      log.accept("using cached " + target + " (" + url + ")");
      return target;
    }
    log.accept("downloading " + url);
    MessageDigest sha = sha256();
    long[] bytes = new long[1];
    AtomicFiles.write(target, out -> bytes[0] = download(url, out, sha));
    log.accept("saved " + target + ": " + bytes[0] + " bytes, sha256 " + HexFormat.of().formatHex(sha.digest()));
    return target;
  }

  private long download(URI url, OutputStream out, MessageDigest sha) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url).GET().build();
    try {
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw failed(url, "HTTP " + response.statusCode());
        }
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > MAX_BYTES) {
          throw failed(url, "the server announces " + declared + " bytes, more than the limit of " + MAX_BYTES);
        }
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = body.read(buffer)) >= 0; ) {
          total += n;
          if (total > MAX_BYTES) {
            throw failed(url, "more than " + MAX_BYTES + " bytes");
          }
          sha.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
        if (declared >= 0 && total != declared) {
          throw failed(url, "got " + total + " of " + declared + " bytes");
        }
        return total;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + url + " interrupted");
    } catch (IOException e) {
      FinetoonException failure =
          failed(url, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
      failure.addSuppressed(e); // kept for --verbose, out of the one-line message
      throw failure;
    }
  }

  private static FinetoonException failed(URI url, String why) {
    return new FinetoonException("downloading " + url + " failed: " + why);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
