package dev.finetoon.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens sessions on CUDA when asked and able, else on CPU. A session that opens on CPU but not on a CUDA device proves
 * that device unusable: that is logged once and remembered, so later sessions in this JVM asking for it go straight to
 * CPU. Thread-safe.
 */
final class SessionOpener {
  private static final Logger log = LoggerFactory.getLogger(SessionOpener.class);
  private static final Map<Integer, Throwable> cudaFailures = new ConcurrentHashMap<>();
  private static final Set<Integer> cudaAnnounced = ConcurrentHashMap.newKeySet();

  /** Loads a model into a session with the given options. */
  @FunctionalInterface
  interface ModelSource {
    OrtSession open(OrtEnvironment env, SessionOptions options) throws OrtException;
  }

  private SessionOpener() {}

  static OnnxSession open(ModelSource source, SessionSettings settings) throws OrtException {
    int device = settings.cudaDevice();
    if (!settings.preferCuda() || cudaFailures.containsKey(device)) {
      return new OnnxSession(openOn(ExecutionProvider.CPU, source, settings), ExecutionProvider.CPU);
    }
    Throwable failure;
    try {
      OrtSession session = openOn(ExecutionProvider.CUDA, source, settings);
      if (cudaAnnounced.add(device)) {
        log.info("ONNX Runtime runs on the CUDA execution provider (device {})", device);
      }
      return new OnnxSession(session, ExecutionProvider.CUDA);
    } catch (OrtException | LinkageError e) {
      failure = e;
    }
    OrtSession session;
    try {
      session = openOn(ExecutionProvider.CPU, source, settings);
    } catch (OrtException e) {
      e.addSuppressed(failure);
      throw e;
    }
    if (cudaFailures.putIfAbsent(device, failure) == null) {
      log.info("ONNX Runtime runs on the CPU execution provider: CUDA device {} is unavailable ({})", device,
          failure.toString());
    }
    return new OnnxSession(session, ExecutionProvider.CPU);
  }

  private static OrtSession openOn(ExecutionProvider provider, ModelSource source, SessionSettings settings)
      throws OrtException {
    try (SessionOptions options = new SessionOptions()) {
      options.setIntraOpNumThreads(settings.intraOpThreads());
      options.setInterOpNumThreads(settings.interOpThreads());
      options.setOptimizationLevel(settings.optimizationLevel());
      // A generator runs its block sessions one after another, each with its own pool; spinning threads of the
      // block that just finished would compete with the next block's threads for the cores.
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      // The CPU arena and memory-pattern planning keep each session's peak activations for the session's life; a
      // generator's block sessions then hold one peak each: 2.8 GB resident for config-f at 1024² and batch 1
      // against 1.2 GB without, at the same speed (GeneratorBench, docs/performance.md).
      options.setCPUArenaAllocator(false);
      options.setMemoryPatternOptimization(false);
      if (provider == ExecutionProvider.CUDA) {
        options.addCUDA(settings.cudaDevice());
      }
      return source.open(OrtEnvironment.getEnvironment(), options);
    }
  }
}
