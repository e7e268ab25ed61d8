package dev.finetoon.image;

import java.io.IOException;

/**
 * A photo, or a file that describes one (face landmarks), that finetoon cannot read: truncated, corrupt, of an
 * unknown format, or larger than the configured pixel limit. The message names the file and the problem. It is an
 * {@link IOException}, like {@link dev.finetoon.ModelFormatException} is for models, so that callers handle a bad input
 * file where they handle a missing one.
 */
public class ImageFormatException extends IOException {
  public ImageFormatException(String message) {
    super(message);
  }

  public ImageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
