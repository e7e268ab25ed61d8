package dev.finetoon.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import dev.finetoon.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The LPIPS feature network of NVIDIA's projector: a TorchScript module with the call convention of NVIDIA's
 * {@code metrics/vgg16.pt}, {@code forward(img [N,3,H,W] in [0, 255], resize_images: bool, return_lpips: bool)},
 * whose output features' squared L2 difference is the LPIPS distance. Gradients flow to the images.
 *
 * <pre>{@code
 * try (LpipsFeatures vgg = LpipsFeatures.load(Path.of("vgg16.pt"))) { NDArray f = vgg.features(images255); }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class LpipsFeatures implements FeatureNetwork {
  /** How many networks were loaded in this JVM (for tests of session reuse). */
  static final AtomicInteger LOADS = new AtomicInteger();

  private final Model model;
  private final PtSymbolBlock block;

  private LpipsFeatures(Model model) {
    this.model = model;
    this.block = (PtSymbolBlock) model.getBlock();
  }

  /** Loads the network onto the CPU. */
  public static LpipsFeatures load(Path file) throws IOException {
    return load(file, Device.cpu());
  }

  /** Loads the network onto {@code device}. */
  static LpipsFeatures load(Path file, Device device) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such LPIPS feature network");
    }
    LOADS.incrementAndGet();
    PyTorchThreads.applyDefaults();
    Model model = Model.newInstance("lpips", device, "PyTorch");
    try {
      model.load(file.toAbsolutePath().getParent(), file.getFileName().toString(), Map.of("trainParam", "true"));
      return new LpipsFeatures(model);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelFormatException(file + " is not a TorchScript module finetoon can load: " + e.getMessage(), e);
    }
  }

  /** LPIPS features of images in [0, 255] at their own size ({@code resize_images=False, return_lpips=True}). */
  @Override
  public NDArray features(NDArray images) {
    try (IValue input = IValue.from((PtNDArray) images);
        IValue resize = IValue.from(false);
        IValue lpips = IValue.from(true);
        IValue out = TorchScriptCalls.forward(block, input, resize, lpips)) {
      return out.toTensor((PtNDManager) images.getManager());
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
