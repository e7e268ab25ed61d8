package dev.finetoon;

/** Two generators that cannot be blended or trained together; the message names the mismatch. */
public class IncompatibleModelsException extends FinetoonException {
  public IncompatibleModelsException(String message) {
    super(message);
  }
}
