package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.finetoon.Tensor;
import org.junit.jupiter.api.Test;

class DjlTensorsTest {
  @Test
  void copiesBothWaysBitForBit() {
    Tensor t = Tensor.of(new float[] {1.5f, -0f, Float.MIN_VALUE, 3e38f, -2, 7}, 2, 1, 3);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray array = DjlTensors.toNDArray(manager, t);
      assertThat(array.getShape()).isEqualTo(new Shape(2, 1, 3));
      assertThat(array.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(DjlTensors.toTensor(array)).isEqualTo(t);
      assertThat(DjlTensors.toTensor(array.transpose(2, 1, 0)).get(2, 0, 1)).isEqualTo(7f);
    }
  }

  @Test
  void refusesOtherTypes() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      assertThatThrownBy(() -> DjlTensors.toTensor(manager.create(new int[] {1, 2})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("float32");
    }
  }
}
