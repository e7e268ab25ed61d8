package dev.finetoon;

import java.io.IOException;

/**
 * A file that finetoon cannot read as what it claims to be: truncated, corrupt, of an unknown format, or holding a
 * network finetoon does not support. The message names the problem.
 */
public class ModelFormatException extends IOException {
  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
