package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.finetoon.Backends;
import dev.finetoon.Device;
import dev.finetoon.FinetoonException;
import dev.finetoon.Generator;
import dev.finetoon.GeneratorBackend;
import dev.finetoon.GeneratorOptions;
import dev.finetoon.Generators;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceCases;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What callers of {@link OnnxGenerator} rely on beyond NVIDIA parity: noise, threads, validation, export, lookup. */
class OnnxGeneratorBehaviourTest {
  private static final double SQRT2 = Math.sqrt(2);

  private OnnxGenerator tiny;

  @BeforeEach
  void openTiny() {
    tiny = OnnxGenerator.open(TinyModels.model(1), SessionSettings.defaults());
  }

  @AfterEach
  void closeTiny() {
    tiny.close();
  }

  @AfterAll
  static void nothingCompiledIsLeftBehind() {
    assertThat(CompiledGraphs.size()).isZero();
  }

  // --- noise -------------------------------------------------------------------------------------------------------

  @Test
  void randomNoiseRepeatsForASeedAndDiffersAcrossSeeds() {
    Tensor ws = tiny.mapping(NumpyRandomState.latents(List.of(0L, 1L), 32), null, Truncation.of(0.7));
    Tensor seven = tiny.synthesis(ws, Noise.random(7));

    assertThat(tiny.synthesis(ws, Noise.random(7))).isEqualTo(seven);
    assertThat(tiny.synthesis(ws, Noise.random(8))).isNotEqualTo(seven);
    assertThat(tiny.synthesis(ws, Noise.CONST)).isNotEqualTo(seven);
    assertThat(tiny.synthesis(ws, Noise.NONE)).isNotEqualTo(seven);
  }

  @Test
  void randomNoiseIsStandardNormalAndIndependentPerPixelAndSample() {
    int n = 6250; // × 4 × 4 pixels = 100 000 samples
    try (OnnxGenerator g = OnnxGenerator.open(noiseProbe(), SessionSettings.defaults())) {
      float[] noise = probedNoise(g.synthesis(Tensor.zeros(n, 2, 4), Noise.random(11)));
      assertThat(noise).hasSize(n * 16);

      double mean = 0;
      for (float v : noise) {
        mean += v;
      }
      mean /= noise.length;
      double var = 0;
      int within1 = 0;
      int within2 = 0;
      double lag1 = 0;
      for (int i = 0; i < noise.length; i++) {
        double d = noise[i] - mean;
        var += d * d;
        within1 += Math.abs(noise[i]) < 1 ? 1 : 0;
        within2 += Math.abs(noise[i]) < 2 ? 1 : 0;
        if (i > 0) {
          lag1 += d * (noise[i - 1] - mean);
        }
      }
      double std = Math.sqrt(var / noise.length);
      assertThat(mean).as("mean").isCloseTo(0, within(0.01));
      assertThat(std).as("std").isCloseTo(1, within(0.01));
      assertThat((double) within1 / noise.length).as("P(|n| < 1)").isCloseTo(0.6827, within(0.01));
      assertThat((double) within2 / noise.length).as("P(|n| < 2)").isCloseTo(0.9545, within(0.005));
      assertThat(lag1 / var).as("correlation of neighbouring pixels").isCloseTo(0, within(0.015));

      float[] other = probedNoise(g.synthesis(Tensor.zeros(2, 2, 4), Noise.random(12)));
      assertThat(Arrays.copyOfRange(other, 0, 16)).isNotEqualTo(Arrays.copyOfRange(other, 16, 32));
    }
  }

  @Test
  void constNoiseIsTheModelsBufferAndNoneIsZero() {
    StyleGanModel probe = noiseProbe();
    try (OnnxGenerator g = OnnxGenerator.open(probe, SessionSettings.defaults())) {
      float[] constant = probedNoise(g.synthesis(Tensor.zeros(2, 2, 4), Noise.CONST));
      float[] buffer = probe.tensor("synthesis.b4.conv1.noise_const").toArray();
      for (int i = 0; i < constant.length; i++) {
        assertThat(constant[i]).as("pixel %s", i).isCloseTo(buffer[i % 16], within(1e-5f));
      }
      assertThat(probedNoise(g.synthesis(Tensor.zeros(2, 2, 4), Noise.NONE))).containsOnly(0f);
    }
  }

  /**
   * A 4 px model whose image is a known invertible function of b4's noise: conv weight and bias 0, noise strength 1,
   * no clamp, so the features are {@code lrelu(n)·√2}; toRGB sums 4 channels with weight 1 and style 1·(1/√4), so
   * every RGB channel is {@code 2·√2·lrelu(n)}.
   */
  private static StyleGanModel noiseProbe() {
    GeneratorConfig config = GeneratorConfig.builder(4, 4, 4)
        .mapping(MappingConfig.defaults(4, 0).withNumLayers(1))
        .synthesis(new SynthesisConfig(16, 4, 0, OptionalDouble.empty(), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
    StyleGanModel model = RandomModels.create(config, 3);
    Map<String, Tensor> set = new HashMap<>();
    set.put("synthesis.b4.conv1.weight", Tensor.zeros(4, 4, 3, 3));
    set.put("synthesis.b4.conv1.bias", Tensor.zeros(4));
    set.put("synthesis.b4.conv1.noise_strength", Tensor.of(new float[] {1}, new int[0]));
    set.put("synthesis.b4.torgb.weight", filled(1, 3, 4, 1, 1));
    set.put("synthesis.b4.torgb.bias", Tensor.zeros(3));
    set.put("synthesis.b4.torgb.affine.weight", Tensor.zeros(4, 4));
    set.put("synthesis.b4.torgb.affine.bias", filled(1, 4));
    return model.withTensors(set, model.provenance());
  }

  /** The noise behind a {@link #noiseProbe()} image {@code [N, 3, 4, 4]}, one value per sample and pixel. */
  private static float[] probedNoise(Tensor img) {
    float[] v = img.toArray();
    int n = img.dim(0);
    float[] out = new float[n * 16];
    for (int s = 0; s < n; s++) {
      for (int p = 0; p < 16; p++) {
        float red = v[s * 48 + p];
        assertThat(v[s * 48 + 16 + p]).isEqualTo(red);
        assertThat(v[s * 48 + 32 + p]).isEqualTo(red);
        double features = red / 2.0;
        out[s * 16 + p] = (float) (features >= 0 ? features / SQRT2 : features / (0.2 * SQRT2));
      }
    }
    return out;
  }

  private static Tensor filled(float value, int... shape) {
    float[] v = new float[Tensor.checkedSize(shape)];
    Arrays.fill(v, value);
    return Tensor.adopt(v, shape);
  }

  // --- threads -----------------------------------------------------------------------------------------------------

  private record Job(List<Long> seeds, Truncation truncation, Noise noise) {}

  private static List<Job> jobs() {
    List<Job> jobs = new ArrayList<>();
    Noise[] noises = {Noise.CONST, Noise.NONE, Noise.random(5), Noise.random(6)};
    for (int i = 0; i < 12; i++) {
      List<Long> seeds = i % 3 == 0 ? List.of((long) i, 100L + i) : List.of((long) i);
      Truncation t = i % 2 == 0 ? Truncation.of(0.7) : Truncation.of(0.5).withCutoff(4);
      jobs.add(new Job(seeds, t, noises[i % noises.length]));
    }
    return jobs;
  }

  @Test
  void fourThreadsGetWhatSequentialCallsGet() throws Exception {
    assertThreadsAgree(4, 25);
  }

  @Test
  void eightThreadsTimesAHundredGetWhatSequentialCallsGet() throws Exception {
    assertThreadsAgree(8, 100);
  }

  private void assertThreadsAgree(int threads, int callsEach) throws Exception {
    List<Job> jobs = jobs();
    List<Tensor> expected = new ArrayList<>();
    for (Job job : jobs) {
      expected.add(tiny.generate(job.seeds(), job.truncation(), job.noise()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Integer> work = () -> {
          start.await();
          int wrong = 0;
          for (int call = 0; call < callsEach; call++) {
            int j = (thread * 5 + call * 7) % jobs.size();
            Job job = jobs.get(j);
            if (!tiny.generate(job.seeds(), job.truncation(), job.noise()).equals(expected.get(j))) {
              wrong++;
            }
          }
          return wrong;
        };
        results.add(pool.submit(work));
      }
      start.countDown();
      int wrong = 0;
      for (Future<Integer> f : results) {
        wrong += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(wrong).as("concurrent results differing from sequential ones").isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  // --- validation --------------------------------------------------------------------------------------------------

  @Test
  void wrongShapesAreRejectedWithTheExpectedShape() {
    assertThatThrownBy(() -> tiny.mapping(Tensor.zeros(2, 31), null, Truncation.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("z must be [N, 32]")
        .hasMessageContaining("[2, 31]");
    assertThatThrownBy(() -> tiny.mapping(Tensor.zeros(32), null, Truncation.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("z must be [N, 32]");
    assertThatThrownBy(() -> tiny.synthesis(Tensor.zeros(1, 7, 32), Noise.CONST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ws must be [N, 8, 32]")
        .hasMessageContaining("[1, 7, 32]");
    assertThatThrownBy(() -> tiny.synthesis(Tensor.zeros(1, 8, 16), Noise.CONST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ws must be [N, 8, 32]");
    assertThatThrownBy(() -> tiny.generate(List.of(), Truncation.NONE, Noise.CONST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no seeds");
  }

  @Test
  void closedGeneratorRefusesWorkAndClosesOnce() {
    OnnxGenerator g = OnnxGenerator.open(TinyModels.model(2), SessionSettings.defaults());
    int open = CompiledGraphs.size();
    g.close();
    assertThat(CompiledGraphs.size()).isEqualTo(open - 5);
    g.close();
    assertThat(CompiledGraphs.size()).isEqualTo(open - 5);
    assertThatThrownBy(() -> g.mapping(Tensor.zeros(1, 32), null, Truncation.NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> g.synthesis(Tensor.zeros(1, 8, 32), Noise.CONST))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  // --- labels ------------------------------------------------------------------------------------------------------

  @Test
  void labelsSteerAConditionalModel() {
    StyleGanModel conditional = RandomModels.create(GeneratorConfig.builder(16, 16, 16).cDim(4).build(), 1);
    try (OnnxGenerator g = OnnxGenerator.open(conditional, SessionSettings.defaults())) {
      Tensor z = NumpyRandomState.latents(List.of(3L, 3L), 16);
      Tensor labels = Tensor.of(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, 2, 4);
      Tensor ws = g.mapping(z, labels, Truncation.NONE);
      assertThat(ws.shape()).containsExactly(2, g.config().numWs(), 16);
      assertThat(ws.slice(0, 1)).isNotEqualTo(ws.slice(1, 2));
      Tensor img = g.synthesis(ws, Noise.CONST);
      assertThat(img.shape()).containsExactly(2, 3, 16, 16);
      assertThat(img.slice(0, 1).maxAbsDifference(img.slice(1, 2))).isGreaterThan(1e-3f);

      Tensor sameLabels = Tensor.of(new float[] {0, 0, 1, 0, 0, 0, 1, 0}, 2, 4);
      Tensor same = g.mapping(z, sameLabels, Truncation.NONE);
      assertThat(same.slice(0, 1)).isEqualTo(same.slice(1, 2));

      assertThatThrownBy(() -> g.mapping(z, null, Truncation.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("conditional")
          .hasMessageContaining("labels");
      assertThatThrownBy(() -> g.generate(List.of(1L), Truncation.NONE, Noise.CONST))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("conditional");
      assertThatThrownBy(() -> g.mapping(z, Tensor.zeros(2, 3), Truncation.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("labels must be [2, 4]");
      assertThatThrownBy(() -> g.mapping(z, Tensor.zeros(1, 4), Truncation.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("labels must be [2, 4]");
    }
  }

  @Test
  void aLabelsOnlyModelNeedsNoZ() {
    StyleGanModel labelsOnly = RandomModels.create(GeneratorConfig.builder(0, 16, 16).cDim(4).build(), 3);
    float[] oneHot = new float[8];
    oneHot[1] = 1;
    oneHot[4 + 2] = 1;
    try (OnnxGenerator g = OnnxGenerator.open(labelsOnly, SessionSettings.defaults())) {
      Tensor ws = g.mapping(Tensor.zeros(2, 0), Tensor.of(oneHot, 2, 4), Truncation.NONE);

      assertThat(ws.shape()).containsExactly(2, g.config().numWs(), 16);
      assertThat(ws.slice(0, 1)).isNotEqualTo(ws.slice(1, 2));
    }
  }

  @Test
  void labelsForAnUnconditionalModelAreIgnored() {
    Tensor z = NumpyRandomState.latents(List.of(4L, 5L), 32);
    Tensor labels = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);
    assertThat(tiny.mapping(z, labels, Truncation.of(0.7))).isEqualTo(tiny.mapping(z, null, Truncation.of(0.7)));
    assertThat(tiny.generate(List.of(4L), labels, Truncation.NONE, Noise.CONST))
        .isEqualTo(tiny.generate(List.of(4L), Truncation.NONE, Noise.CONST));
  }

  // --- export ------------------------------------------------------------------------------------------------------

  @Test
  void exportedGeneratorRunsInPlainOnnxRuntimeLikeNvidia(@TempDir Path dir) throws Exception {
    StyleGanModel base = ReferenceCases.model("base");
    OnnxGenerator.export(base, dir);
    List<String> set = List.of("mapping.onnx", "synthesis.b4.onnx", "synthesis.b8.onnx", "synthesis.b16.onnx",
        "synthesis.b32.onnx", "generator.onnx");
    for (String file : set) {
      assertThat(dir.resolve(file)).isRegularFile();
      assertThat(Files.size(dir.resolve(file))).isPositive();
    }
    // Written last, so that a killed export leaves no manifest: sha256sum's format, one line per file of the set.
    List<String> manifest = Files.readAllLines(dir.resolve(OnnxGenerator.MANIFEST));
    assertThat(manifest).hasSize(set.size());
    for (int i = 0; i < set.size(); i++) {
      String sha = com.google.common.io.MoreFiles.asByteSource(dir.resolve(set.get(i)))
          .hash(com.google.common.hash.Hashing.sha256()).toString();
      assertThat(manifest.get(i)).isEqualTo(sha + "  " + set.get(i));
    }

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Tensor z = ReferenceCases.array("tiny_z.npy");
    List<OnnxTensor> owned = new ArrayList<>();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession whole = env.createSession(dir.resolve("generator.onnx").toString(), options);
        OrtSession mapping = env.createSession(dir.resolve("mapping.onnx").toString(), options)) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("z", input(env, owned, z.toArray(), 3, 32));
      inputs.put("truncation_psi", input(env, owned, new float[] {0.7f}, 1));
      inputs.put("truncation_cutoff", input(env, owned, new float[] {8}, 1));
      Map<String, OnnxTensor> mappingInputs = new HashMap<>(inputs);
      for (String layer : List.of("b4.conv1", "b8.conv0", "b8.conv1", "b16.conv0", "b16.conv1", "b32.conv0",
          "b32.conv1")) {
        Tensor buffer = base.tensor("synthesis." + layer + ".noise_const");
        inputs.put(
            "noise_" + layer.replace('.', '_'),
            input(env, owned, buffer.toArray(), 1, 1, buffer.dim(0), buffer.dim(1)));
      }
      assertThat(whole.getInputNames()).containsExactlyInAnyOrderElementsOf(inputs.keySet());

      try (OrtSession.Result result = whole.run(inputs)) {
        Tensor img = output(result, "img", 3, 3, 32, 32);
        assertThat(img.maxAbsDifference(ReferenceCases.array("tiny_base_psi0.7_cutNone_const_img.npy")))
            .isLessThanOrEqualTo(1e-3f);
      }
      try (OrtSession.Result result = mapping.run(mappingInputs)) {
        Tensor ws = output(result, "ws", 3, 8, 32);
        assertThat(ws.maxAbsDifference(ReferenceCases.array("tiny_base_psi0.7_cutNone_const_ws.npy")))
            .isLessThanOrEqualTo(1e-4f);
      }
    } finally {
      for (OnnxTensor t : owned) {
        t.close();
      }
    }
  }

  private static OnnxTensor input(OrtEnvironment env, List<OnnxTensor> owned, float[] values, long... shape)
      throws Exception {
    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
    owned.add(t);
    return t;
  }

  private static Tensor output(OrtSession.Result result, String name, int... shape) {
    FloatBuffer values = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
    float[] out = new float[values.remaining()];
    values.get(out);
    return Tensor.of(out, shape);
  }

  // --- service lookup ----------------------------------------------------------------------------------------------

  @Test
  void generatorsFindTheOnnxBackend() {
    assertThat(Generators.backend()).isInstanceOf(OnnxBackend.class);
    assertThat(Generators.backend().name()).isEqualTo("onnx");
    int before = CompiledGraphs.size();
    try (Generator g = Generators.open(tiny.model())) {
      assertThat(g).isInstanceOf(OnnxGenerator.class);
      assertThat(g.model()).isSameAs(tiny.model());
      assertThat(g.generate(List.of(9L), Truncation.of(0.7), Noise.CONST))
          .isEqualTo(tiny.generate(List.of(9L), Truncation.of(0.7), Noise.CONST));
      assertThat(CompiledGraphs.size()).as("default options reuse the default sessions").isEqualTo(before);
    }
    assertThat(CompiledGraphs.size()).isEqualTo(before);
  }

  @Test
  void backendsAreFoundByNameWithTheOneRule() {
    assertThat(Backends.find(GeneratorBackend.class, Optional.of("onnx"), "finetoon-onnx"))
        .isInstanceOf(OnnxBackend.class);
    assertThatThrownBy(() -> Backends.find(GeneratorBackend.class, Optional.of("tensorrt"), "finetoon-onnx"))
        .isInstanceOf(FinetoonException.class)
        .hasMessage("no GeneratorBackend named 'tensorrt' on the class path; found onnx");
  }

  @Test
  void aGpuThatIsNotThereFallsBackToTheCpuWithTheSameImages() {
    try (Generator g = Generators.open(tiny.model(), GeneratorOptions.DEFAULTS.withDevice(Device.gpu(2)))) {
      assertThat(g.generate(List.of(9L), Truncation.of(0.7), Noise.CONST))
          .isEqualTo(tiny.generate(List.of(9L), Truncation.of(0.7), Noise.CONST));
    }
  }
}
