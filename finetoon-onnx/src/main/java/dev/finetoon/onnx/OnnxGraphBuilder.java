package dev.finetoon.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.common.primitives.Longs;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.finetoon.Tensor;
import dev.finetoon.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a float32 ONNX model (opset 17, IR version 8) one node at a time. Every value name is defined once: graph
 * inputs, initializers, constants and node outputs share one namespace, and a node may only read names defined
 * before it.
 *
 * <pre>{@code
 * OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, 3).output("y", -1, 4);
 * String w = g.initializer("w", weight);                        // weight: Tensor[3, 4]
 * String xw = g.node("MatMul", List.of("x", w));
 * g.node("y", "LeakyRelu", List.of(xw), OnnxGraphBuilder.floatAttr("alpha", 0.2f));
 * byte[] model = g.build("dense");
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class OnnxGraphBuilder {
  public static final int OPSET = 17;
  public static final long IR_VERSION = 8;
  /** The symbolic name of a dimension given as -1. */
  public static final String BATCH = "batch";

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> defined = new HashSet<>();
  private final Set<String> outputs = new HashSet<>();
  private int counter;

  /** Declares a float32 graph input; a dimension of -1 is the symbolic {@value #BATCH}. */
  public OnnxGraphBuilder input(String name, long... dims) {
    define(name);
    graph.addInput(valueInfo(name, dims));
    return this;
  }

  /** Declares a float32 graph output; the name must be (or later become) the output of a node or an input. */
  public OnnxGraphBuilder output(String name, long... dims) {
    checkArgument(outputs.add(name), "output %s declared twice", name);
    graph.addOutput(valueInfo(name, dims));
    return this;
  }

  /** Adds a float32 weight stored as little-endian raw data; returns {@code name}. */
  public String initializer(String name, Tensor values) {
    define(name);
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(UnsafeByteOperations.unsafeWrap(values.toLittleEndianBytes()));
    for (int d : values.shape()) {
      tensor.addDims(d);
    }
    graph.addInitializer(tensor);
    return name;
  }

  /** Adds a 1-D int64 constant (shapes, pads, axes, starts/ends); returns its generated name. */
  public String constantInts(long... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return constant(TensorProto.DataType.INT64_VALUE, raw.array(), values.length);
  }

  /** Adds an int64 scalar constant (e.g. a Gather index that drops its axis); returns its generated name. */
  public String constantInt(long value) {
    ByteBuffer raw = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    return constant(TensorProto.DataType.INT64_VALUE, raw.array());
  }

  /** Adds a float32 scalar constant; returns its generated name. */
  public String constantFloat(float value) {
    ByteBuffer raw = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
    return constant(TensorProto.DataType.FLOAT_VALUE, raw.array());
  }

  /** Adds a node with one output under a generated name, which it returns. Pass "" for a skipped optional input. */
  public String node(String opType, List<String> inputs, AttributeProto... attributes) {
    return node(uniqueName(opType), opType, inputs, attributes);
  }

  /** Adds a node whose one output is {@code output}; returns {@code output}. */
  public String node(String output, String opType, List<String> inputs, AttributeProto... attributes) {
    checkArgument(!opType.isEmpty(), "empty op type");
    for (String input : inputs) {
      checkArgument(input.isEmpty() || defined.contains(input), "%s reads %s, which is not defined yet", opType, input);
    }
    define(output);
    graph.addNode(
        NodeProto.newBuilder()
            .setName(output)
            .setOpType(opType)
            .addAllInput(inputs)
            .addOutput(output)
            .addAllAttribute(Arrays.asList(attributes)));
    return output;
  }

  /** A name that nothing in this graph uses yet: {@code prefix} followed by a number. */
  public String uniqueName(String prefix) {
    String name;
    do {
      name = prefix + "_" + counter++;
    } while (defined.contains(name));
    return name;
  }

  /** The finished model. */
  public ModelProto model(String graphName) {
    checkState(!outputs.isEmpty(), "graph %s has no outputs", graphName);
    for (String output : outputs) {
      checkState(defined.contains(output), "output %s is never computed", output);
    }
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("finetoon")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph.setName(graphName))
        .build();
  }

  /** The finished model, serialized. */
  public byte[] build(String graphName) {
    return model(graphName).toByteArray();
  }

  /** Writes the finished model to an {@code .onnx} file that other runtimes can load. */
  public void write(Path file, String graphName) throws IOException {
    ModelProto model = model(graphName);
    AtomicFiles.write(file, model::writeTo);
  }

  /** An int attribute, e.g. {@code group}. */
  public static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
  }

  /** An ints attribute, e.g. {@code pads} or {@code strides}. */
  public static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
    for (long v : values) {
      attribute.addInts(v);
    }
    return attribute.build();
  }

  /** A float attribute, e.g. {@code alpha}. */
  public static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
  }

  /** A string attribute, e.g. {@code mode}. */
  public static AttributeProto stringAttr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  private String constant(int dataType, byte[] raw, long... dims) {
    String name = uniqueName("const");
    define(name);
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(dataType)
            .addAllDims(Longs.asList(dims))
            .setRawData(UnsafeByteOperations.unsafeWrap(raw)));
    return name;
  }

  private void define(String name) {
    checkArgument(!name.isEmpty(), "empty value name");
    checkArgument(defined.add(name), "value %s is defined twice", name);
  }

  private static ValueInfoProto valueInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      checkArgument(d >= -1, "dimension %s of %s: use -1 for the batch", d, name);
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      shape.addDim(d == -1 ? dim.setDimParam(BATCH) : dim.setDimValue(d));
    }
    TypeProto.Tensor tensorType =
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape).build();
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensorType)).build();
  }
}
