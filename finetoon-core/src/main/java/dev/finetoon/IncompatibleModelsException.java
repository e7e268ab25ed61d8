package dev.finetoon;

/** Two generators that cannot be blended; the message names the mismatch. */
public class IncompatibleModelsException extends IllegalArgumentException {
  public IncompatibleModelsException(String message) {
    super(message);
  }
}
