package dev.finetoon.resource;

import java.io.IOException;
import java.net.URI;

/**
 * A download that failed: an HTTP status other than 200, a body cut short, longer than announced, too large or too
 * small, or a broken connection. The message is one line, {@code downloading URL failed: reason}; the I/O error
 * behind it, if any, is the cause. Nothing is left in the cache.
 */
public class DownloadException extends IOException {
  private final URI url;

  public DownloadException(URI url, String reason) {
    super("downloading " + url + " failed: " + reason);
    this.url = url;
  }

  public DownloadException(URI url, String reason, Throwable cause) {
    super("downloading " + url + " failed: " + reason, cause);
    this.url = url;
  }

  /** The URL that could not be downloaded. */
  public URI url() {
    return url;
  }
}
