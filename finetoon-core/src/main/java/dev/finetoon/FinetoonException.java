package dev.finetoon;

/** The base of finetoon's unchecked exceptions. */
public class FinetoonException extends RuntimeException {
  public FinetoonException(String message) {
    super(message);
  }

  public FinetoonException(String message, Throwable cause) {
    super(message, cause);
  }
}
