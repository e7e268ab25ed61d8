package dev.finetoon.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.finetoon.train.FeatureNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * A randomly initialised network with VGG16's convolution stack (13 3×3 convolutions, 64 to 512 channels, four
 * poolings) and LPIPS-style features (channel-normalised activations of the five stages, concatenated): the cost of
 * NVIDIA's {@code vgg16.pt} without its weights, for benches.
 */
final class Vgg16StandIn implements FeatureNetwork {
  private static final int[][] STAGES = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

  private final NDManager manager;
  private final List<List<Block>> stages = new ArrayList<>();

  Vgg16StandIn(NDManager manager, int size) {
    this.manager = manager;
    long channels = 3;
    long resolution = size;
    for (int[] stage : STAGES) {
      List<Block> convs = new ArrayList<>();
      for (int width : stage) {
        Block conv =
            Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(width).build();
        conv.initialize(manager, DataType.FLOAT32, new Shape(1, channels, resolution, resolution));
        conv.freezeParameters(true);
        convs.add(conv);
        channels = width;
      }
      stages.add(convs);
      resolution /= 2;
    }
  }

  /** Multiply-accumulates of one image's features ({@link ComputeFloor#blockMacs}). */
  double macs() {
    return stages.stream().flatMap(List::stream).mapToDouble(ComputeFloor::blockMacs).sum();
  }

  @Override
  public NDArray features(NDArray images) {
    ParameterStore store = new ParameterStore(manager, false);
    NDArray x = images;
    List<NDArray> taps = new ArrayList<>();
    for (int s = 0; s < stages.size(); s++) {
      if (s > 0) {
        x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
      }
      for (Block conv : stages.get(s)) {
        x = ai.djl.nn.Activation.relu(conv.forward(store, new NDList(x), true).singletonOrThrow());
      }
      NDArray norm = x.square().sum(new int[] {1}, true).sqrt().add(1e-10f);
      taps.add(x.div(norm).flatten());
    }
    return NDArrays.concat(taps);
  }

  @Override
  public void close() {
    manager.close();
  }

  /** {@code concat} along the flattened axis. */
  private static final class NDArrays {
    static NDArray concat(List<NDArray> parts) {
      NDArray out = parts.get(0);
      for (int i = 1; i < parts.size(); i++) {
        out = out.concat(parts.get(i), 0);
      }
      return out;
    }
  }
}
