package dev.finetoon;

/**
 * The base of finetoon's unchecked exceptions: valid arguments with which the work still cannot be done (models that
 * do not fit together, a photo without a face, no backend on the class path, a native runtime's failure). The rule for
 * the whole library is in {@code docs/errors.md}: files and streams fail with a checked {@link java.io.IOException}
 * ({@link ModelFormatException}, {@link java.nio.file.NoSuchFileException}, …); misuse of the API with {@link
 * IllegalArgumentException} or {@link IllegalStateException}; everything else with a {@code FinetoonException}.
 */
public class FinetoonException extends RuntimeException {
  public FinetoonException(String message) {
    super(message);
  }

  public FinetoonException(String message, Throwable cause) {
    super(message, cause);
  }
}
