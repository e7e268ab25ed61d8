package dev.finetoon.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * A face encoder shaped like ResNet-50 (He et al.: a 7×7 stem, bottleneck stages of 3, 4, 6 and 3 blocks, 23.5 M
 * weights) with its classifier replaced by a linear projection to an L2-normalised embedding, built from DJL's layers.
 * Its weights are whatever DJL's initialisers draw: it costs what a real encoder costs, and recognises nothing.
 */
final class ResNet50StandIn {
  private static final int[] BLOCKS = {3, 4, 6, 3};
  private static final int[] WIDTHS = {64, 128, 256, 512};

  private ResNet50StandIn() {}

  /** The network: images {@code [N, 3, H, W]} to unit-length embeddings {@code [N, embeddingSize]}. */
  static Block create(int embeddingSize) {
    SequentialBlock net = new SequentialBlock()
        .add(conv(64, 7, 2))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
    for (int stage = 0; stage < BLOCKS.length; stage++) {
      for (int i = 0; i < BLOCKS[stage]; i++) {
        net.add(bottleneck(WIDTHS[stage], i == 0 && stage > 0 ? 2 : 1, i == 0));
      }
    }
    return net
        .add(Pool.globalAvgPool2dBlock())
        .add(Linear.builder().setUnits(embeddingSize).build())
        .add(LambdaBlock.singleton(x -> x.div(x.norm(new int[] {1}, true))));
  }

  /** 1×1 reduce, 3×3 (strided), 1×1 expand to 4 × width, plus the input (projected where its shape changes). */
  private static Block bottleneck(int width, int stride, boolean project) {
    Block residual = new SequentialBlock()
        .add(conv(width, 1, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(conv(width, 3, stride))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(conv(4 * width, 1, 1))
        .add(BatchNorm.builder().build());
    Block shortcut = project
        ? new SequentialBlock().add(conv(4 * width, 1, stride)).add(BatchNorm.builder().build())
        : new LambdaBlock(x -> x);
    return new SequentialBlock()
        .add(new ParallelBlock(
            branches -> new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
            List.of(residual, shortcut)))
        .add(Activation.reluBlock());
  }

  private static Block conv(int filters, int kernel, int stride) {
    return Conv2d.builder()
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .setFilters(filters)
        .optBias(false)
        .build();
  }
}
