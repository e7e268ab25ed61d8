package dev.finetoon.onnx;

import static com.google.common.base.Preconditions.checkState;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.common.collect.ImmutableMap;
import dev.finetoon.FinetoonException;
import dev.finetoon.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs an {@link OrtSession} on finetoon tensors: copies the inputs in and the float32 outputs out, and closes every
 * native value it creates, also when the run fails.
 *
 * <pre>{@code
 * Map<String, Tensor> outputs = OnnxRunner.run(ortSession, Map.of("x", x));
 * Tensor y = outputs.get("y");
 * }</pre>
 *
 * <p>Thread-safe: it holds no state, and {@link OrtSession#run} may be called from several threads at once.
 */
final class OnnxRunner {
  private OnnxRunner() {}

  /** All outputs of one run, by name in the session's output order; throws if an output is not float32. */
  static Map<String, Tensor> run(OrtSession session, Map<String, Tensor> inputs) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> created = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
        Tensor tensor = input.getValue();
        long[] shape = Arrays.stream(tensor.shape()).asLongStream().toArray();
        created.put(input.getKey(), OnnxTensor.createTensor(env, tensor.buffer(), shape));
      }
      try (OrtSession.Result result = session.run(created)) {
        ImmutableMap.Builder<String, Tensor> outputs = ImmutableMap.builder();
        for (Map.Entry<String, OnnxValue> output : result) {
          outputs.put(output.getKey(), toTensor(output.getKey(), output.getValue()));
        }
        return outputs.build();
      }
    } catch (OrtException e) {
      throw new FinetoonException("ONNX Runtime failed to run the graph on inputs " + inputs, e);
    } finally {
      created.values().forEach(OnnxTensor::close);
    }
  }

  private static Tensor toTensor(String name, OnnxValue value) {
    checkState(
        value instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT,
        "output %s is %s, not a float32 tensor",
        name,
        value.getInfo());
    OnnxTensor tensor = (OnnxTensor) value;
    int[] shape = Arrays.stream(tensor.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
    return Tensor.adopt(tensor.getFloatBuffer().array(), shape);
  }
}
