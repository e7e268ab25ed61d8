package dev.finetoon.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.finetoon.GeneratorOptions;

/**
 * How to open an ONNX Runtime session: thread pools, graph optimisation, and whether to try CUDA first.
 *
 * <pre>{@code
 * SessionSettings settings = SessionSettings.builder().intraOpThreads(2).preferCuda(false).build();
 * }</pre>
 *
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime choose
 * @param optimizationLevel how far ONNX Runtime rewrites the graph before running it
 * @param preferCuda whether to try the CUDA execution provider before falling back to CPU
 * @param cudaDevice the CUDA device the CUDA execution provider uses
 */
public record SessionSettings(
    int intraOpThreads, int interOpThreads, OptLevel optimizationLevel, boolean preferCuda, int cudaDevice) {

  public SessionSettings {
    checkArgument(intraOpThreads >= 0, "intraOpThreads %s < 0", intraOpThreads);
    checkArgument(interOpThreads >= 0, "interOpThreads %s < 0", interOpThreads);
    checkNotNull(optimizationLevel, "optimizationLevel");
    checkArgument(cudaDevice >= 0, "cudaDevice %s < 0", cudaDevice);
  }

  /** ONNX Runtime's thread defaults, all graph optimisations, CUDA when available. */
  public static SessionSettings defaults() {
    return builder().build();
  }

  /** The threads and device of a generator's (or encoder's) {@link GeneratorOptions}. */
  public static SessionSettings of(GeneratorOptions options) {
    return builder()
        .intraOpThreads(options.threads())
        .preferCuda(options.device().gpu())
        .cudaDevice(options.device().index())
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from {@link #defaults()}. */
  public static final class Builder {
    private int intraOpThreads;
    private int interOpThreads;
    private OptLevel optimizationLevel = OptLevel.ALL_OPT;
    private boolean preferCuda = true;
    private int cudaDevice;

    private Builder() {}

    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = threads;
      return this;
    }

    public Builder interOpThreads(int threads) {
      this.interOpThreads = threads;
      return this;
    }

    public Builder optimizationLevel(OptLevel level) {
      this.optimizationLevel = level;
      return this;
    }

    public Builder preferCuda(boolean prefer) {
      this.preferCuda = prefer;
      return this;
    }

    /** The CUDA device to try (default 0). */
    public Builder cudaDevice(int device) {
      this.cudaDevice = device;
      return this;
    }

    public SessionSettings build() {
      return new SessionSettings(intraOpThreads, interOpThreads, optimizationLevel, preferCuda, cudaDevice);
    }
  }
}
