package dev.finetoon.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A face encoder built from any DJL {@link Block} on the PyTorch engine, e.g. a network assembled from DJL's layers.
 * The block is initialised with its initialisers' weights on a manager this encoder owns, and frozen: its parameters
 * never get gradients, while gradients still flow through it to the images. It runs in inference mode (batch norm uses
 * its running statistics, dropout is off).
 *
 * <pre>{@code
 * try (BlockFaceEncoder encoder = BlockFaceEncoder.create(myBlock, new Shape(1, 3, 256, 256))) { ... }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class BlockFaceEncoder implements DifferentiableFaceEncoder {
  private final Block block;
  private final NDManager manager;

  private BlockFaceEncoder(Block block, NDManager manager) {
    this.block = block;
    this.manager = manager;
  }

  /** Initialises {@code block} on the CPU for inputs of {@code inputShape} ({@code [N, 3, H, W]}) and freezes it. */
  public static BlockFaceEncoder create(Block block, Shape inputShape) {
    PyTorchThreads.applyDefaults();
    NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      block.initialize(manager, DataType.FLOAT32, inputShape);
      block.freezeParameters(true);
      return new BlockFaceEncoder(block, manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  @Override
  public NDArray embed(NDArray images) {
    return block.forward(new ParameterStore(images.getManager(), false), new NDList(images), false).singletonOrThrow();
  }

  /** Frees the block's weights. */
  @Override
  public void close() {
    manager.close();
  }
}
