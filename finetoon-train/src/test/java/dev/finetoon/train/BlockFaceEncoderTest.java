package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

class BlockFaceEncoderTest {
  private static Block smallNetwork() {
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Pool.globalAvgPool2dBlock())
        .add(Linear.builder().setUnits(8).build());
  }

  @Test
  void gradientsReachTheImagesButNotTheFrozenWeights() {
    Block block = smallNetwork();
    try (BlockFaceEncoder encoder = BlockFaceEncoder.create(block, new Shape(1, 3, 16, 16));
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray images = manager.randomNormal(new Shape(2, 3, 16, 16));
      images.setRequiresGradient(true);
      NDArray embeddings;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        embeddings = encoder.embed(images);
        collector.backward(embeddings.square().sum());
      }

      assertThat(embeddings.getShape()).isEqualTo(new Shape(2, 8));
      assertThat(images.getGradient().abs().max().getFloat()).isGreaterThan(0f);
      for (Pair<String, Parameter> p : block.getParameters()) {
        assertThat(p.getValue().getArray().hasGradient()).as(p.getKey()).isFalse();
      }
    }
  }

  @Test
  void batchNormUsesRunningStatisticsSoSamplesDoNotInfluenceEachOther() {
    try (BlockFaceEncoder encoder = BlockFaceEncoder.create(smallNetwork(), new Shape(1, 3, 16, 16));
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray pair = manager.randomNormal(new Shape(2, 3, 16, 16));
      NDArray together = encoder.embed(pair).get(new NDIndex("0:1"));
      NDArray alone = encoder.embed(pair.get(new NDIndex("0:1")));

      assertThat(together.sub(alone).abs().max().getFloat()).isLessThan(1e-6f);
    }
  }
}
