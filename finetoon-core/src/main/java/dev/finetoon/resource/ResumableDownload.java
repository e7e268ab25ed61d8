package dev.finetoon.resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A download into a partial file that a later run continues with an HTTP {@code Range} request where the first was cut
 * off. Written by hand on the JDK's client: the libraries that resume downloads come with far larger dependencies
 * than these checks. The partial file is locked while it grows, so two downloads of one file never interleave.
 */
final class ResumableDownload {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
  private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d+)");

  private final URI url;
  private final Path part;
  private final long maxBytes;

  ResumableDownload(URI url, Path part, long maxBytes) {
    this.url = url;
    this.part = part;
    this.maxBytes = maxBytes;
  }

  /**
   * Completes {@code part}, resuming it if it has bytes already; returns its size. A download cut short keeps what it
   * got for the next run; one larger than announced or than the limit is deleted.
   */
  long complete(DownloadProgress progress) throws IOException {
    try (FileChannel file = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lock(file)) {
      long have = file.size();
      HttpResponse<InputStream> response = send(have);
      try (InputStream body = response.body()) {
        long total = switch (response.statusCode()) {
          case 206 -> resumedTotal(response, have);
          case 200 -> {
            file.truncate(0);
            have = 0;
            yield response.headers().firstValueAsLong("Content-Length").orElse(-1);
          }
          case 416 -> satisfiedTotal(response, have);
          default -> throw new DownloadException(url, "HTTP " + response.statusCode());
        };
        if (total > maxBytes) {
          Files.delete(part);
          throw new DownloadException(url, "the server announces " + total + " bytes, more than the limit of "
              + maxBytes);
        }
        progress.update(have, total);
        if (response.statusCode() != 416) {
          have = append(body, file, have, total, progress);
        }
        if (total >= 0 && have < total) {
          throw new DownloadException(url, "got " + have + " of " + total + " bytes; run again to resume");
        }
        file.force(true);
        return have;
      }
    }
  }

  private FileLock lock(FileChannel file) throws IOException {
    try {
      FileLock lock = file.tryLock();
      if (lock != null) {
        return lock;
      }
    } catch (OverlappingFileLockException e) {
      // another thread of this JVM holds it: the same answer as another process
    }
    throw new DownloadException(url, "another download of it into " + part + " is running");
  }

  private HttpResponse<InputStream> send(long from) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).GET();
    if (from > 0) {
      request.header("Range", "bytes=" + from + "-");
    }
    try {
      return ResourceResolver.Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(e);
    } catch (IOException e) {
      throw new DownloadException(url, ResourceResolver.reason(e), e);
    }
  }

  /** The complete size from a 206's {@code Content-Range}, which must start where the partial file ends. */
  private long resumedTotal(HttpResponse<?> response, long have) throws DownloadException {
    String range = response.headers().firstValue("Content-Range").orElse("");
    Matcher m = CONTENT_RANGE.matcher(range);
    if (!m.matches() || Long.parseLong(m.group(1)) != have) {
      throw new DownloadException(url, "the server resumed with Content-Range \"" + range + "\", expected bytes "
          + have + "-…");
    }
    return Long.parseLong(m.group(3));
  }

  /** A 416 means the partial file is complete when it has exactly the size the server names; else it is wrong. */
  private long satisfiedTotal(HttpResponse<?> response, long have) throws IOException {
    Matcher m = UNSATISFIED_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
    if (m.matches() && Long.parseLong(m.group(1)) == have) {
      return have;
    }
    Files.delete(part);
    throw new DownloadException(url, "the partial download (" + have + " bytes) is longer than the file; it was "
        + "deleted, run again");
  }

  private long append(InputStream body, FileChannel file, long have, long total, DownloadProgress progress)
      throws IOException {
    byte[] buffer = new byte[1 << 16];
    file.position(have);
    try {
      for (int n; (n = body.read(buffer)) >= 0; ) {
        have += n;
        if (have > maxBytes || (total >= 0 && have > total)) {
          Files.delete(part);
          throw new DownloadException(url, "more bytes than " + (have > maxBytes ? "the limit of " + maxBytes
              : "the " + total + " announced"));
        }
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          file.write(chunk);
        }
        progress.update(have, total);
      }
    } catch (DownloadException e) {
      throw e;
    } catch (IOException e) {
      file.force(true);
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(e);
      }
      throw new DownloadException(url, ResourceResolver.reason(e) + " after " + have + " bytes; run again to resume",
          e);
    }
    return have;
  }

  private InterruptedIOException interrupted(Exception cause) {
    InterruptedIOException e = new InterruptedIOException("download of " + url + " interrupted; run again to resume");
    e.initCause(cause);
    return e;
  }
}
