package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import dev.finetoon.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxGraphBuilderTest {
  @Test
  void modelDeclaresOpsetIrVersionAndSymbolicBatch() {
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, 3).output("y", -1, 3);
    g.node("y", "Relu", List.of("x"));
    ModelProto model = g.model("relu");

    assertThat(model.getIrVersion()).isEqualTo(8);
    assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(17);
    assertThat(model.getGraph().getName()).isEqualTo("relu");
    List<Dimension> dims = model.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
    assertThat(dims.get(0).getDimParam()).isEqualTo("batch");
    assertThat(dims.get(1).getDimValue()).isEqualTo(3);
  }

  @Test
  void initializerIsLittleEndianRawFloat() {
    Tensor w = Tensor.of(new float[] {1.5f, -2, 3, 4, 5, 6}, 2, 3);
    OnnxGraphBuilder g = new OnnxGraphBuilder().output("w");
    g.initializer("w", w);

    TensorProto stored = g.model("w").getGraph().getInitializer(0);
    assertThat(stored.getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE);
    assertThat(stored.getDimsList()).containsExactly(2L, 3L);
    assertThat(stored.getRawData().toByteArray()).isEqualTo(w.toLittleEndianBytes());
  }

  @Test
  void attributesCarryTheirType() {
    assertThat(OnnxGraphBuilder.intAttr("group", 4).getType()).isEqualTo(AttributeType.INT);
    assertThat(OnnxGraphBuilder.intsAttr("pads", 1, 1).getIntsList()).containsExactly(1L, 1L);
    assertThat(OnnxGraphBuilder.floatAttr("alpha", 0.2f).getF()).isEqualTo(0.2f);
    assertThat(OnnxGraphBuilder.stringAttr("mode", "constant").getS().toStringUtf8()).isEqualTo("constant");
  }

  @Test
  void generatedNamesAvoidEveryDefinedName() {
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("Relu_0", 1);
    assertThat(g.node("Relu", List.of("Relu_0"))).isEqualTo("Relu_1");
    assertThat(g.constantInts(1, 2)).isEqualTo("const_2");
  }

  @Test
  void rejectsNamesDefinedTwiceOrReadBeforeDefinition() {
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", 1);
    assertThatThrownBy(() -> g.initializer("x", Tensor.zeros(1))).hasMessageContaining("defined twice");
    assertThatThrownBy(() -> g.node("Relu", List.of("z"))).hasMessageContaining("not defined yet");
    assertThatThrownBy(() -> g.input("b", -2)).hasMessageContaining("-1 for the batch");
  }

  @Test
  void rejectsOutputsThatAreNeverComputed() {
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", 1).output("y", 1);
    assertThatThrownBy(() -> g.build("broken")).hasMessageContaining("never computed");
    assertThatThrownBy(() -> new OnnxGraphBuilder().build("empty")).hasMessageContaining("no outputs");
  }
}
