package dev.finetoon.face;

import dev.finetoon.FinetoonException;

/** A photo in which the face detector (or the given landmarker) found no face to align. */
public class NoFaceFoundException extends FinetoonException {
  public NoFaceFoundException(String message) {
    super(message);
  }
}
