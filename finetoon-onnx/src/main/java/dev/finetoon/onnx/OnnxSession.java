package dev.finetoon.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.finetoon.FinetoonException;
import dev.finetoon.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * An ONNX graph loaded into ONNX Runtime, on CUDA when {@link SessionSettings#preferCuda()} asks for it and CUDA
 * works here, else on CPU (logged once per JVM).
 *
 * <pre>{@code
 * try (OnnxSession session = OnnxSession.open(modelBytes, SessionSettings.defaults())) {
 *   Tensor y = session.run(Map.of("x", x)).get("y");
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #run} may be called from several threads at once, but not concurrently with {@link #close}.
 */
public final class OnnxSession implements AutoCloseable {
  private final OrtSession session;
  private final ExecutionProvider provider;

  OnnxSession(OrtSession session, ExecutionProvider provider) {
    this.session = session;
    this.provider = provider;
  }

  /** Loads a serialized model, e.g. from {@link OnnxGraphBuilder#build}. */
  public static OnnxSession open(byte[] model, SessionSettings settings) {
    try {
      return SessionOpener.open((env, options) -> env.createSession(model, options), settings);
    } catch (OrtException e) {
      throw new FinetoonException("ONNX Runtime cannot load the model (" + model.length + " bytes)", e);
    }
  }

  /** Loads an {@code .onnx} file. */
  public static OnnxSession open(Path model, SessionSettings settings) {
    try {
      return SessionOpener.open((env, options) -> env.createSession(model.toString(), options), settings);
    } catch (OrtException e) {
      throw new FinetoonException("ONNX Runtime cannot load " + model, e);
    }
  }

  /** The provider this session runs on. */
  public ExecutionProvider provider() {
    return provider;
  }

  /** The underlying ONNX Runtime session, owned by this object. */
  OrtSession ortSession() {
    return session;
  }

  /** All outputs for these inputs; see {@link OnnxRunner#run}. */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    return OnnxRunner.run(session, inputs);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new FinetoonException("ONNX Runtime failed to close a session", e);
    }
  }
}
