package dev.finetoon.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.common.collect.ImmutableList;
import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import dev.finetoon.FinetoonException;
import dev.finetoon.Generator;
import dev.finetoon.Noise;
import dev.finetoon.NoiseMode;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.io.AtomicFiles;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generator run by ONNX Runtime: one session for the mapping network and one per synthesis block, run in order with
 * the features and RGB skip image handed from block to block without leaving native memory.
 *
 * <pre>{@code
 * try (OnnxGenerator g = OnnxGenerator.open(model, SessionSettings.defaults())) {
 *   Tensor ws = g.mapping(z, null, Truncation.of(0.7));
 *   Tensor img = g.synthesis(ws, Noise.CONST);
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may generate at once. {@link #close} must not race with running calls.
 */
public final class OnnxGenerator implements Generator {
  private static final Logger log = LoggerFactory.getLogger(OnnxGenerator.class);

  private final StyleGanModel model;
  private final CompiledGraphs.Lease mapping;
  private final List<CompiledGraphs.Lease> blocks;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean warnedAboutLabels = new AtomicBoolean();

  private OnnxGenerator(StyleGanModel model, CompiledGraphs.Lease mapping, List<CompiledGraphs.Lease> blocks) {
    this.model = model;
    this.mapping = mapping;
    this.blocks = blocks;
  }

  /** Compiles (or reuses) the model's graphs. */
  public static OnnxGenerator open(StyleGanModel model, SessionSettings settings) {
    ImmutableList.Builder<CompiledGraphs.Lease> blocks = ImmutableList.builder();
    CompiledGraphs.Lease mapping = null;
    try {
      mapping =
          CompiledGraphs.acquire(
              new CompiledGraphs.Key(List.of("mapping", model.config().mapping(), model.config().numWs()), settings,
                  tensorsUnder(model, "mapping.")),
              () -> StyleGanGraphs.mapping(model).build("mapping"));
      for (SynthesisBlock block : model.plan().blocks()) {
        blocks.add(
            CompiledGraphs.acquire(
                new CompiledGraphs.Key(List.of(block, model.config().synthesis()), settings,
                    tensorsUnder(model, block.name() + ".")),
                () -> StyleGanGraphs.block(model, block).build(block.name())));
      }
      return new OnnxGenerator(model, mapping, blocks.build());
    } catch (RuntimeException e) {
      if (mapping != null) {
        mapping.close();
      }
      blocks.build().forEach(CompiledGraphs.Lease::close);
      throw e;
    }
  }

  /** The file an export writes last, listing the set: present only when every file of the set was written. */
  public static final String MANIFEST = "SHA256SUMS";

  /**
   * Writes the graphs as {@code .onnx} files other runtimes can run: {@code mapping.onnx}, one
   * {@code synthesis.bR.onnx} per block, and {@code generator.onnx} (the whole generator). See docs/architecture.md for
   * their inputs/outputs. Each file is written atomically, and {@value #MANIFEST} last, in {@code sha256sum} format
   * ({@code sha256sum -c SHA256SUMS} checks the set); it is removed first, so a folder without it holds no complete
   * set, whatever a killed export left there.
   */
  public static void export(StyleGanModel model, Path dir) throws java.io.IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(MANIFEST));
    List<String> files = new ArrayList<>();
    StyleGanGraphs.mapping(model).write(dir.resolve("mapping.onnx"), "mapping");
    files.add("mapping.onnx");
    for (SynthesisBlock block : model.plan().blocks()) {
      StyleGanGraphs.block(model, block).write(dir.resolve(block.name() + ".onnx"), block.name());
      files.add(block.name() + ".onnx");
    }
    StyleGanGraphs.whole(model).write(dir.resolve("generator.onnx"), "generator");
    files.add("generator.onnx");
    StringBuilder sums = new StringBuilder();
    for (String file : files) {
      sums.append(MoreFiles.asByteSource(dir.resolve(file))
          .hash(Hashing.sha256())).append("  ").append(file).append('\n');
    }
    AtomicFiles.write(dir.resolve(MANIFEST),
        sums.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** The name of a conv layer's noise input in the exported {@code generator.onnx}, e.g. {@code noise_b64_conv0}. */
  public static String exportedNoiseInput(ModulatedConv layer) {
    return StyleGanGraphs.wholeNoiseInput(layer);
  }

  private static List<Tensor> tensorsUnder(StyleGanModel model, String prefix) {
    return model.tensors().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .toList();
  }

  @Override
  public StyleGanModel model() {
    return model;
  }

  /** The provider the synthesis sessions run on. */
  public ExecutionProvider provider() {
    return mapping.session().provider();
  }

  @Override
  public Tensor mapping(Tensor z, Tensor labels, Truncation truncation) {
    checkOpen();
    GeneratorConfig config = model.config();
    checkArgument(
        z.rank() == 2 && z.dim(1) == config.zDim(), "z must be [N, %s], got %s", config.zDim(), z);
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    if (config.zDim() > 0) {
      inputs.put(StyleGanGraphs.Z, z);
    }
    if (config.isConditional()) {
      checkArgument(labels != null, "this model is conditional (c_dim %s): give class labels", config.cDim());
      checkArgument(
          labels.rank() == 2 && labels.dim(0) == z.dim(0) && labels.dim(1) == config.cDim(),
          "labels must be [%s, %s], got %s", z.dim(0), config.cDim(), labels);
      inputs.put(StyleGanGraphs.C, labels);
    } else if (labels != null && warnedAboutLabels.compareAndSet(false, true)) {
      log.warn("labels given to an unconditional model are ignored");
    }
    // ψ = 1 leaves ws untouched, as NVIDIA's mapping skips truncation then.
    int truncated = truncation.psi() == 1.0 ? 0 : truncation.truncatedWs(config.numWs());
    inputs.put(StyleGanGraphs.PSI, Tensor.of(new float[] {(float) truncation.psi()}, 1));
    inputs.put(StyleGanGraphs.CUTOFF, Tensor.of(new float[] {truncated}, 1));
    return mapping.session().run(inputs).get(StyleGanGraphs.WS);
  }

  @Override
  public Tensor synthesis(Tensor ws, Noise noise) {
    checkOpen();
    GeneratorConfig config = model.config();
    checkArgument(
        ws.rank() == 3 && ws.dim(1) == config.numWs() && ws.dim(2) == config.wDim(),
        "ws must be [N, %s, %s], got %s", config.numWs(), config.wDim(), ws);
    int n = ws.dim(0);
    Random random = noise.mode() == NoiseMode.RANDOM ? new Random(noise.seed()) : null;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Deque<AutoCloseable> owned = new ArrayDeque<>();
    try {
      OnnxTensor x = null;
      OnnxTensor img = null;
      List<SynthesisBlock> plan = model.plan().blocks();
      for (int b = 0; b < plan.size(); b++) {
        SynthesisBlock block = plan.get(b);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        if (x != null) {
          inputs.put(StyleGanGraphs.X, x);
          inputs.put(StyleGanGraphs.IMG, img);
        }
        inputs.put(StyleGanGraphs.WS, own(owned, tensor(env, wsSlice(ws, block.firstWIndex(), block.numWs()))));
        for (ModulatedConv layer : block.convs()) {
          if (layer.noise()) {
            inputs.put(StyleGanGraphs.noiseInput(layer), own(owned, tensor(env, noise(layer, noise, n, random))));
          }
        }
        OrtSession.Result result = blocks.get(b).session().ortSession().run(inputs);
        owned.push(result);
        x = (OnnxTensor) result.get(StyleGanGraphs.X_OUT).orElseThrow();
        img = (OnnxTensor) result.get(StyleGanGraphs.IMG_OUT).orElseThrow();
      }
      FloatBuffer values = img.getFloatBuffer();
      float[] out = new float[values.remaining()];
      values.get(out);
      return Tensor.adopt(out, n, config.imgChannels(), config.imgResolution(), config.imgResolution());
    } catch (OrtException e) {
      throw new FinetoonException("ONNX Runtime failed during synthesis", e);
    } finally {
      closeAll(owned);
    }
  }

  /** The noise a conv layer adds: its const buffer, fresh normal samples, or zeros; {@code [B, 1, R, R]}. */
  private Tensor noise(ModulatedConv layer, Noise noise, int n, Random random) {
    int r = layer.resolution();
    return switch (noise.mode()) {
      case CONST -> model.tensor(layer.noiseConst()).reshape(1, 1, r, r);
      case NONE -> Tensor.zeros(1, 1, r, r);
      case RANDOM -> {
        float[] values = new float[n * r * r];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) random.nextGaussian();
        }
        yield Tensor.adopt(values, n, 1, r, r);
      }
    };
  }

  /** {@code ws[:, first:first+count, :]}. */
  static Tensor wsSlice(Tensor ws, int first, int count) {
    int n = ws.dim(0);
    int numWs = ws.dim(1);
    int wDim = ws.dim(2);
    float[] all = ws.toArray();
    float[] out = new float[n * count * wDim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(all, (i * numWs + first) * wDim, out, i * count * wDim, count * wDim);
    }
    return Tensor.adopt(out, n, count, wDim);
  }

  private static OnnxTensor tensor(OrtEnvironment env, Tensor t) throws OrtException {
    return OnnxTensor.createTensor(env, t.buffer(), Arrays.stream(t.shape()).asLongStream().toArray());
  }

  private static OnnxTensor own(Deque<AutoCloseable> owned, OnnxTensor t) {
    owned.push(t);
    return t;
  }

  private static void closeAll(Deque<AutoCloseable> owned) {
    while (!owned.isEmpty()) {
      try {
        owned.pop().close();
      } catch (Exception e) {
        log.warn("could not release a native tensor", e);
      }
    }
  }

  private void checkOpen() {
    checkState(!closed.get(), "this generator is closed");
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      mapping.close();
      blocks.forEach(CompiledGraphs.Lease::close);
    }
  }
}
