package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;

/** Carries a {@link ModelFormatException} out of Pyrolite callbacks, which cannot throw checked exceptions. */
final class PickleFailure extends RuntimeException {
  PickleFailure(ModelFormatException cause) {
    super(cause);
  }

  @Override
  public synchronized ModelFormatException getCause() {
    return (ModelFormatException) super.getCause();
  }
}
