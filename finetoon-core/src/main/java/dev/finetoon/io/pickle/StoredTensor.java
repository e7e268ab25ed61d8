package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;

/**
 * A tensor of a {@code torch.save} file or pickle, not yet read: its shape, and its values on demand. Reading gathers
 * the strided view ({@code storage_offset}, {@code size}, {@code stride}) into a dense float32 {@link Tensor} after
 * checking it lies inside its storage; storages of other element types are converted.
 *
 * <pre>{@code
 * Map<?, ?> checkpoint = (Map<?, ?>) TorchSaveFile.load(Path.of("psp_ffhq_encode.pt"));
 * StoredTensor avg = (StoredTensor) checkpoint.get("latent_avg");
 * Tensor latentAvg = avg.read("latent_avg");
 * }</pre>
 */
public interface StoredTensor {
  /** The tensor's sizes, e.g. {@code [512, 512]}. */
  int[] shape();

  /** The values as float32; {@code name} names the tensor in the exception when the view is corrupt. */
  Tensor read(String name) throws ModelFormatException;
}
