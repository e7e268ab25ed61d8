package dev.finetoon.onnx;

/** Where an {@link OnnxSession} runs its graph. */
public enum ExecutionProvider {
  /**
   * An NVIDIA GPU ({@link SessionSettings#cudaDevice()}), through ONNX Runtime's CUDA provider (needs the
   * {@code onnxruntime_gpu} artifact and CUDA 12).
   */
  CUDA,
  /** ONNX Runtime's default CPU provider. */
  CPU
}
