package dev.finetoon.spark;

import com.google.common.base.Suppliers;
import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.GeneratorOptions;
import dev.finetoon.Toonifier;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.onnx.face.FaceApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor JVM loads once and its tasks share: model files, blends, generators, the face descriptor network
 * and toonify sessions. Spark runs many tasks (and many partitions, one after another) in one executor JVM;
 * everything here is keyed by its description, loaded by the first task that needs it (the others wait for that one,
 * not for each other), and closed by a shutdown hook when the JVM exits.
 *
 * <p>Thread-safe. {@link #opened} counts what was actually opened, for tests.
 */
final class ExecutorCache {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);

  /** Reads a model file named by a location (a path, a {@code file:} URI or a SparkFiles name). */
  @FunctionalInterface
  interface ModelReader {
    StyleGanModel read(String location) throws IOException;
  }

  /** What can be loaded and counted. */
  enum Kind { MODEL_FILE, MODEL, GENERATOR, FACE_API, TOONIFIER }

  /** Something that loads a value and may fail with an {@link IOException}. */
  @FunctionalInterface
  private interface Loader<V> {
    V load() throws IOException;
  }

  private record Key(Kind kind, Object description) {}

  private static final Map<Key, Supplier<Object>> VALUES = new ConcurrentHashMap<>();
  private static final Map<Kind, AtomicInteger> OPENED = new ConcurrentHashMap<>();
  /** Native resources, in the order they were opened; closed the other way round. */
  private static final List<AutoCloseable> CLOSEABLE = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorCache::closeAll, "finetoon-executor-cache"));
  }

  private ExecutorCache() {}

  /** The model (read from its files, blended) once per JVM. */
  static StyleGanModel model(SparkModel model) throws IOException {
    return once(Kind.MODEL, model, () -> model.load(ExecutorCache::modelFile));
  }

  private static StyleGanModel modelFile(String location) throws IOException {
    return once(Kind.MODEL_FILE, location, () -> ModelFiles.read(Locations.localFile(location)));
  }

  /** A generator of the model with these options, once per JVM (generators are thread-safe). */
  static Generator generator(SparkModel model, GeneratorOptions options) throws IOException {
    StyleGanModel loaded = model(model);
    return once(Kind.GENERATOR, List.of(model, options), () -> closedAtExit(Generators.open(loaded, options)));
  }

  /** face-api.js's networks for identity descriptors, once per JVM (thread-safe). */
  static FaceApi faceApi() throws IOException {
    return once(Kind.FACE_API, "default", () -> closedAtExit(FaceApi.open()));
  }

  /**
   * A toonify session with these settings, once per JVM. Its tasks share it: DJL allows one gradient recording per
   * JVM at a time, so projections run one after another whatever the number of sessions; detection, decoding and
   * rendering of other tasks run beside them.
   */
  static Toonifier toonifier(ToonifySettings settings) throws IOException {
    return once(Kind.TOONIFIER, settings, () -> closedAtExit(settings.open()));
  }

  /** How many of {@code kind} this JVM opened since it started (or since {@link #closeAll}). */
  static int opened(Kind kind) {
    AtomicInteger count = OPENED.get(kind);
    return count == null ? 0 : count.get();
  }

  @SuppressWarnings("unchecked")
  private static <V> V once(Kind kind, Object description, Loader<V> loader) throws IOException {
    Supplier<Object> memo = VALUES.computeIfAbsent(new Key(kind, description), key -> Suppliers.memoize(() -> {
      try {
        V value = loader.load();
        OPENED.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        LOG.info("loaded {} {} on this executor", kind, description);
        return value;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }));
    try {
      return (V) memo.get();
    } catch (UncheckedIOException e) {
      VALUES.remove(new Key(kind, description), memo); // the next task tries again
      throw e.getCause();
    } catch (RuntimeException e) {
      VALUES.remove(new Key(kind, description), memo);
      throw e;
    }
  }

  private static <T extends AutoCloseable> T closedAtExit(T resource) {
    synchronized (CLOSEABLE) {
      CLOSEABLE.add(resource);
    }
    return resource;
  }

  /** Closes everything this JVM opened, the last first, and forgets it (the shutdown hook; tests). */
  static void closeAll() {
    List<AutoCloseable> resources;
    synchronized (CLOSEABLE) {
      resources = new ArrayList<>(CLOSEABLE);
      CLOSEABLE.clear();
    }
    VALUES.clear();
    OPENED.clear();
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("could not close {}", resources.get(i), e);
      }
    }
  }
}
