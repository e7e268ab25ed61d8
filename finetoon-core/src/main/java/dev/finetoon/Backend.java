package dev.finetoon;

/**
 * A service finetoon finds with {@link java.util.ServiceLoader}, as DJL finds engines: generator, projector, fine-tune
 * and face-detector backends. {@link Backends#find} picks one by a single rule for every service.
 */
public interface Backend {
  /** A short name, e.g. {@code onnx} or {@code djl}, by which a caller may ask for this backend. */
  String name();

  /** Higher wins when several backends of one service are on the class path. */
  default int priority() {
    return 0;
  }
}
