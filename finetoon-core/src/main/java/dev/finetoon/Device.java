package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Where a backend runs: the CPU or GPU {@code index} (CUDA). A backend that cannot use the GPU asked for runs on
 * the CPU and says so once in the log; {@link #auto()} is GPU 0 where there is one, quietly the CPU otherwise.
 *
 * <pre>{@code
 * Projector projector = Projector.builder().model(ffhq).device(Device.gpu(1)).build();
 * }</pre>
 *
 * @param gpu whether a GPU is asked for
 * @param index the GPU's index (0 for the CPU)
 * @param required false for {@link #auto()}: a fallback to the CPU is expected and logged at debug level only
 */
public record Device(boolean gpu, int index, boolean required) {
  private static final Device CPU = new Device(false, 0, true);
  private static final Device AUTO = new Device(true, 0, false);

  public Device {
    checkArgument(index >= 0, "GPU index must not be negative, got %s", index);
    checkArgument(gpu || index == 0, "the CPU has no index");
  }

  /** The CPU. */
  public static Device cpu() {
    return CPU;
  }

  /** CUDA GPU {@code index}; the CPU (with a log line) where the backend has no such GPU. */
  public static Device gpu(int index) {
    return new Device(true, index, true);
  }

  /** GPU 0 where the backend finds one, else the CPU: the default. */
  public static Device auto() {
    return AUTO;
  }

  @Override
  public String toString() {
    return !gpu ? "cpu" : required ? "cuda:" + index : "auto";
  }
}
