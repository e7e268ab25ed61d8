package dev.finetoon.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.finetoon.ModelFormatException;
import dev.finetoon.io.TorchScriptArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A face encoder from a TorchScript file (e.g. facenet's InceptionResnetV1 exported with {@code torch.jit.trace}),
 * loaded so that gradients flow through it. It receives the generator's images as they are: NCHW, [-1, 1], at the
 * generator's resolution; export a module that resizes or normalises if the network expects otherwise. DJL keeps
 * autograd only in training mode, so the module runs in training mode: export networks with batch normalisation or
 * dropout frozen in evaluation mode, {@code torch.jit.freeze(torch.jit.script(model.eval()))}, so that their
 * behaviour does not depend on the mode.
 *
 * <pre>{@code
 * try (TorchScriptFaceEncoder encoder = TorchScriptFaceEncoder.load(Path.of("facenet.pt"))) { ... }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class TorchScriptFaceEncoder implements DifferentiableFaceEncoder {
  private final Model model;
  private final Block block;

  private TorchScriptFaceEncoder(Model model) {
    this.model = model;
    this.block = model.getBlock();
  }

  /** Loads a TorchScript file on the CPU. */
  public static TorchScriptFaceEncoder load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such encoder file");
    }
    if (TorchScriptArchive.read(file).takesReturnLpips()) {
      throw new ModelFormatException(file + " is an LPIPS feature network (its forward takes return_lpips), not a"
          + " face encoder");
    }
    PyTorchThreads.applyDefaults();
    Model model = Model.newInstance("face-encoder", "PyTorch");
    try {
      // trainParam keeps autograd on inside the script, so gradients reach the images.
      model.load(file.toAbsolutePath().getParent(), file.getFileName().toString(), Map.of("trainParam", "true"));
      return new TorchScriptFaceEncoder(model);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelFormatException(file + " is not a TorchScript module finetoon can load: " + e.getMessage(), e);
    }
  }

  @Override
  public NDArray embed(NDArray images) {
    NDList out = block.forward(new ParameterStore(images.getManager(), false), new NDList(images), true);
    return out.singletonOrThrow();
  }

  @Override
  public void close() {
    model.close();
  }
}
