package dev.finetoon.resource;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
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
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Finds the files finetoon needs (feature networks and the like) in a cache folder, downloading each over HTTP(S) on
 * first use. A download is written with {@link AtomicFiles}, its SHA-256 computed and logged on the way, so it lands
 * in the cache only when complete: a failed or interrupted download leaves nothing behind. Two threads or processes
 * that resolve the same missing file both download it, each to its own temporary file, and the last to finish
 * replaces the other's copy; neither ever sees a partial file. In offline mode nothing is downloaded: a missing file
 * fails with a message saying where to download it from and where to save it.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * Path vgg = ResourceResolver.defaults().resolve(CachedResource.LPIPS_VGG16);
 * ResourceResolver mine = ResourceResolver.builder().folder(Path.of("models")).offline(true).build();
 * }</pre>
 */
public final class ResourceResolver {
  /** System property naming the cache folder; it takes precedence over {@link #CACHE_DIR_ENV}. */
  public static final String CACHE_DIR_PROPERTY = "finetoon.cache.dir";
  /** Environment variable naming the cache folder; without it or the property, {@code ~/.cache/finetoon}. */
  public static final String CACHE_DIR_ENV = "FINETOON_CACHE_DIR";
  /** System property that, {@code true}, {@code 1} or {@code yes}, forbids downloads; it takes precedence. */
  public static final String OFFLINE_PROPERTY = "finetoon.offline";
  /** Environment variable that, {@code true}, {@code 1} or {@code yes}, forbids downloads. */
  public static final String OFFLINE_ENV = "FINETOON_OFFLINE";
  /** Far above any feature network (NVIDIA's vgg16.pt is 528 MB); a larger body is refused. */
  public static final long DEFAULT_MAX_BYTES = 4L << 30;

  private static final Set<String> YES = Set.of("true", "1", "yes");

  private final Path folder;
  private final boolean offline;
  private final Consumer<String> log;
  private final long maxBytes;

  private ResourceResolver(Path folder, boolean offline, Consumer<String> log, long maxBytes) {
    this.folder = folder;
    this.offline = offline;
    this.log = log;
    this.maxBytes = maxBytes;
  }

  /**
   * A resolver on the folder and offline mode that {@link #CACHE_DIR_PROPERTY}, {@link #CACHE_DIR_ENV}, {@link
   * #OFFLINE_PROPERTY} and {@link #OFFLINE_ENV} name now, logging to SLF4J.
   */
  public static ResourceResolver defaults() {
    return builder().build();
  }

  /** A builder whose folder and offline mode, unless set, are those of {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The cache folder, absolute. */
  public Path folder() {
    return folder;
  }

  /** Whether a missing file fails instead of being downloaded. */
  public boolean offline() {
    return offline;
  }

  /** Where {@code resource} is, or would be, cached; does no I/O. */
  public Path locate(CachedResource resource) {
    return folder.resolve(resource.fileName());
  }

  /**
   * The cached copy of {@code resource}, downloaded first if there is none. A file already there is used as it is,
   * whatever its size: one may put a compatible file of one's own there.
   *
   * @throws NoSuchFileException if the file is missing and this resolver is offline
   * @throws DownloadException if the download fails or is shorter than {@link CachedResource#minBytes()}
   * @throws FileSystemException if something other than a regular file is in its place
   */
  public Path resolve(CachedResource resource) throws IOException {
    return obtain(locate(resource), resource.url(), resource.minBytes(), resource.description());
  }

  /**
   * The cached copy of any http(s) URL, downloaded first if there is none. It is cached under the URL's last path
   * segment, prefixed by the first 12 hex digits of the SHA-256 of the whole URL.
   *
   * @throws IllegalArgumentException if {@code url} is not http(s)
   * @throws NoSuchFileException if the file is missing and this resolver is offline
   * @throws DownloadException if the download fails
   */
  public Path fetch(URI url) throws IOException {
    checkArgument(isHttp(url), "not an http(s) URL: %s", url);
    String path = url.getPath() == null ? "" : url.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    String hash = Hashing.sha256().hashString(url.toString(), StandardCharsets.UTF_8).toString();
    Path target = folder.resolve(hash.substring(0, 12) + "-" + (name.isEmpty() ? "download" : name));
    return obtain(target, url, 0, "the file at " + url);
  }

  static boolean isHttp(URI url) {
    return "https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme());
  }

  private Path obtain(Path target, URI url, long minBytes, String description) throws IOException {
    if (Files.exists(target)) {
      if (!Files.isRegularFile(target)) {
        throw new FileSystemException(target.toString(), null, "not a regular file, expected " + description);
      }
      log.accept("using cached " + target + " (" + url + ")");
      return target;
    }
    if (offline) {
      throw offlineMiss(target, url, description);
    }
    log.accept("downloading " + url);
    Files.createDirectories(folder);
    Hasher sha = Hashing.sha256().newHasher();
    long[] bytes = new long[1];
    AtomicFiles.write(target, out -> bytes[0] = download(url, out, sha, minBytes));
    log.accept("saved " + target + ": " + bytes[0] + " bytes, sha256 " + sha.hash());
    return target;
  }

  private long download(URI url, OutputStream out, Hasher sha, long minBytes) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url).GET().build();
    try {
      HttpResponse<InputStream> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new DownloadException(url, "HTTP " + response.statusCode());
        }
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > maxBytes) {
          throw new DownloadException(
              url, "the server announces " + declared + " bytes, more than the limit of " + maxBytes);
        }
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = body.read(buffer)) >= 0; ) {
          total += n;
          if (total > maxBytes) {
            throw new DownloadException(url, "more than the limit of " + maxBytes + " bytes");
          }
          sha.putBytes(buffer, 0, n);
          out.write(buffer, 0, n);
        }
        if (declared >= 0 && total != declared) {
          throw new DownloadException(url, "got " + total + " of " + declared + " bytes");
        }
        if (total < minBytes) {
          throw new DownloadException(url, "got " + total + " bytes, a complete file has at least " + minBytes);
        }
        return total;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(url, e);
    } catch (DownloadException e) {
      throw e;
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) { // the body stream reports an interrupt as a plain IOException
        throw interrupted(url, e);
      }
      throw new DownloadException(url, reason(e), e);
    }
  }

  /** What a missing file says offline: what to download and where to save it. */
  static NoSuchFileException offlineMiss(Path target, URI url, String description) {
    return new NoSuchFileException(target.toString(), null,
        description + " is not in the cache and finetoon is offline (" + OFFLINE_PROPERTY + " / " + OFFLINE_ENV
            + "): download " + url + " and save it as " + target);
  }

  /** An I/O error's message, or its type where it has none. */
  static String reason(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** The largest download accepted. */
  long maxBytes() {
    return maxBytes;
  }

  /** Writes a progress line to this resolver's log. */
  void log(String line) {
    log.accept(line);
  }

  private static InterruptedIOException interrupted(URI url, Exception cause) {
    InterruptedIOException e = new InterruptedIOException("download of " + url + " interrupted");
    e.initCause(cause);
    return e;
  }

  private static Path defaultFolder() {
    String named = setting(CACHE_DIR_PROPERTY, CACHE_DIR_ENV);
    return named != null ? Path.of(named) : Path.of(System.getProperty("user.home"), ".cache", "finetoon");
  }

  private static boolean defaultOffline() {
    String named = setting(OFFLINE_PROPERTY, OFFLINE_ENV);
    return named != null && YES.contains(named.toLowerCase(Locale.ROOT));
  }

  /** The system property's value, else the environment variable's; null where neither is set to a non-blank. */
  private static String setting(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * The JDK's client, shared by all resolvers and made on the first download. The download is written by hand on it
   * because no small, well-kept library downloads once into a cache atomically with size checks without bringing a
   * large dependency.
   */
  static final class Http {
    static final HttpClient CLIENT =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
  }

  /** Builder for {@link ResourceResolver}. */
  public static final class Builder {
    private Path folder;
    private Boolean offline;
    private Consumer<String> log = LoggerFactory.getLogger(ResourceResolver.class)::info;
    private long maxBytes = DEFAULT_MAX_BYTES;

    private Builder() {}

    /** The cache folder; it is created on the first download. */
    public Builder folder(Path value) {
      this.folder = checkNotNull(value, "folder");
      return this;
    }

    /** Whether a missing file fails instead of being downloaded. */
    public Builder offline(boolean value) {
      this.offline = value;
      return this;
    }

    /** Where progress lines go (a cached file used, a download begun, its size and SHA-256); SLF4J's info level. */
    public Builder log(Consumer<String> value) {
      this.log = checkNotNull(value, "log");
      return this;
    }

    /** The largest download accepted, {@link ResourceResolver#DEFAULT_MAX_BYTES} unless set. */
    public Builder maxBytes(long value) {
      checkArgument(value > 0, "maxBytes must be positive, got %s", value);
      this.maxBytes = value;
      return this;
    }

    /** A resolver; the folder and offline mode not set are read from the system properties and environment now. */
    public ResourceResolver build() {
      Path dir = folder != null ? folder : defaultFolder();
      boolean off = offline != null ? offline : defaultOffline();
      return new ResourceResolver(dir.toAbsolutePath(), off, log, maxBytes);
    }
  }
}
