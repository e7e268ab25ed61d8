package dev.finetoon;

/**
 * A face-identity network: images {@code [N, 3, H, W]} in [-1, 1] (a generator's raw output range) to embeddings
 * {@code [N, D]}. The triplet fine-tune compares faces with it; a backend that trains (finetoon-train) adds a
 * differentiable form of the same call.
 *
 * <pre>{@code
 * try (FaceEncoder facenet = TorchScriptFaceEncoder.load(Path.of("facenet.pt"))) {
 *   Tensor embeddings = facenet.embed(images);
 * }
 * }</pre>
 */
public interface FaceEncoder extends AutoCloseable {
  /** Embeddings of a batch of images. */
  Tensor embed(Tensor images);

  @Override
  void close();
}
