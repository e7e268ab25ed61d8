package dev.finetoon.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.finetoon.Generator;
import dev.finetoon.GeneratorOptions;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.Toonifier;
import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.spark.SparkGenerator;
import dev.finetoon.spark.SparkModel;
import dev.finetoon.spark.SparkToonifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.LongStream;
import org.apache.spark.sql.SparkSession;

/**
 * The engine's overhead, measured in one run: images/s of {@code generate} through Spark {@code local[2]} against the
 * plain {@link Generator} (two ONNX Runtime threads, batch 8) and, where {@link NvidiaBaseline} is set up, NVIDIA's
 * generator at batch 8 on the same pickle ({@code -Dnvidia.pkl}; otherwise a random-weight 128² generator), the three
 * alternating (A B C A B C); and photos/s of {@code toonify} with a short projection through Spark against one
 * {@link Toonifier} with the same settings (one ONNX Runtime thread per call, PyTorch on every core) on the tiny
 * reference models, which NVIDIA's step script cannot time (its target is 256²). Each cell is the median of three
 * timed runs after a warm-up (which loads the models), with min–max; ratios are of the medians.
 *
 * <pre>
 * mvn -B -pl finetoon-examples -am package -DskipTests \
 *     org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=compile
 * java -Xmx4g [Spark's --add-opens flags] [-Dnvidia.sg2ada=/tmp/sg2ada -Dnvidia.pkl=/tmp/paper256.pkl] \
 *     -cp finetoon-examples/target/classes:$(cat finetoon-examples/target/cp.txt) \
 *     dev.finetoon.bench.SparkBench SHARED_DIR FACE_API_REFERENCE_DIR [seeds]
 * </pre>
 */
public final class SparkBench {
  private static final int RUNS = 3;
  private static final int STEPS = 20;
  private static final int BATCH = 8;
  private static final int NVIDIA_REPEATS = 3;
  private static final String ROW = "%-52s %-22s %-22s %-22s %-14s %s%n";

  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    Path tiny = Path.of(args[0], "reference", "tiny");
    Path faceApi = Path.of(args[1]);
    int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    // Both toonify rows project with PyTorch on every core, as SparkToonifier's default on a 2-core executor does.
    System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Optional<NvidiaBaseline> nvidia = NvidiaBaseline.configured();
    Path work = Files.createTempDirectory("finetoon-spark-bench");
    Path model;
    String modelName;
    if (nvidia.isPresent()) {
      model = Path.of(System.getProperty("nvidia.pkl"));
      modelName = "NVIDIA's pickle " + model.getFileName();
    } else {
      model = work.resolve("random128.safetensors");
      ModelFiles.write(RandomModels.create(random128(), 1), model);
      modelName = "random 128²";
    }
    Path photos = work.resolve("photos");
    List<RgbImage> decoded = new ArrayList<>();
    for (String name : List.of("sample1", "sample2", "sample3")) {
      NpyArray rgb = NpyFile.read(faceApi.resolve(name + ".rgb.npy"));
      RgbImage photo = RgbImage.of(rgb.shape()[1], rgb.shape()[0], rgb.toLittleEndianBytes());
      decoded.add(photo);
      Images.writePng(photo.toBufferedImage(), photos.resolve(name + ".png"));
    }
    System.out.printf(Locale.ROOT, "%d cores; medians of %d runs (min-max) after a warm-up%n",
        Runtime.getRuntime().availableProcessors(), RUNS);
    System.out.printf(Locale.ROOT, ROW, "job", "plain", "Spark local[2]",
        "NVIDIA", "Spark / plain", "Spark / NVIDIA");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("SparkBench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      benchGenerate(spark, model, modelName, seeds, nvidia);
      benchToonify(spark, tiny, photos, decoded);
    } finally {
      spark.stop();
      MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /** A random-weight 128² generator: z = w = 256, 8 mapping layers, channel_base 8192, channel_max 256. */
  private static GeneratorConfig random128() {
    return GeneratorConfig.builder(256, 256, 128)
        .mapping(MappingConfig.defaults(256, 0))
        .synthesis(new SynthesisConfig(8192, 256, 4, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  private static void benchGenerate(SparkSession spark, Path model, String modelName, int seeds,
      Optional<NvidiaBaseline> nvidia) throws Exception {
    StyleGanModel loaded = ModelFiles.read(model);
    int zDim = loaded.config().zDim();
    List<Long> all = LongStream.range(0, seeds).boxed().toList();
    SparkGenerator onSpark = SparkGenerator.builder().model("bench", SparkModel.file(model.toString()))
        .truncation(0.7).build();
    int threads = Runtime.getRuntime().availableProcessors();
    try (Generator g = Generators.open(loaded, GeneratorOptions.DEFAULTS.withThreads(2))) {
      Job plainJob = () -> {
        for (int from = 0; from < seeds; from += BATCH) {
          List<Long> batch = all.subList(from, Math.min(seeds, from + BATCH));
          Images.toImages(g.synthesis(
              g.mapping(NumpyRandomState.latents(batch, zDim), null, Truncation.of(0.7)), Noise.CONST));
        }
      };
      Job sparkJob = () -> onSpark.generate(spark, 0, seeds, 4).count();
      plainJob.run(); // warm-up
      sparkJob.run();
      List<SameRun.Measurement> measurements = new ArrayList<>(List.of(() -> rate(seeds, plainJob),
          () -> rate(seeds, sparkJob)));
      nvidia.ifPresent(n -> measurements.add(() -> n.generate(BATCH, NVIDIA_REPEATS, threads).rate()));
      List<Rates> rates = SameRun.interleave(RUNS, measurements);
      Rates nvidiaRates = nvidia.isPresent() ? rates.get(2) : new Rates();
      row("generate, " + modelName + ", " + seeds + " seeds (img/s)", rates.get(0), rates.get(1),
          nvidia.isPresent() ? nvidiaRates.summary("%.2f") : "not set up", Rates.ratios(rates.get(1), nvidiaRates));
    }
  }

  private static void benchToonify(SparkSession spark, Path tiny, Path photos, List<RgbImage> decoded)
      throws Exception {
    String base = tiny.resolve("tiny_base.pkl").toString();
    String toon = tiny.resolve("tiny_toon.pkl").toString();
    String lpips = tiny.resolve("tiny_lpips.pt").toString();
    StyleGanModel human = ModelFiles.read(Path.of(base));
    StyleGanModel blend = LayerBlender.swap(16, 32).blend(human, ModelFiles.read(Path.of(toon)));
    SparkToonifier onSpark = SparkToonifier.builder().base(SparkModel.file(base))
        .toon(SparkModel.swap(base, toon, 16, 32)).featureNetwork(lpips).projectionSteps(STEPS).build();
    // The session SparkToonifier opens: one ONNX Runtime thread per call, PyTorch on every core (set in main).
    try (Toonifier single = Toonifier.builder().base(human).fineTuned(blend).featureNetwork(Path.of(lpips))
        .projection(ProjectionOptions.defaults().withSteps(STEPS))
        .generatorOptions(GeneratorOptions.DEFAULTS.withThreads(1)).build()) {
      Job plainJob = () -> {
        for (RgbImage photo : decoded) {
          single.toonifyAll(photo, ProjectionListener.NONE);
        }
      };
      Job sparkJob = () -> onSpark.toonify(
          spark.read().format("binaryFile").load(photos.toString()).repartition(decoded.size())).count();
      plainJob.run(); // warm-up
      sparkJob.run();
      List<Rates> rates = SameRun.interleave(RUNS, List.of(() -> rate(decoded.size(), plainJob),
          () -> rate(decoded.size(), sparkJob)));
      row("toonify, tiny 32², " + STEPS + " steps, " + decoded.size() + " photos (photos/s)", rates.get(0),
          rates.get(1), "no 32² step bench", "-");
    }
  }

  /** One table row: the plain and Spark cells, NVIDIA's cell and the Spark / NVIDIA ratio as given. */
  private static void row(String job, Rates plain, Rates onSpark, String nvidiaCell, String sparkOverNvidia) {
    System.out.printf(Locale.ROOT, ROW, job, plain.summary("%.2f"),
        onSpark.summary("%.2f"), nvidiaCell, String.format(Locale.ROOT, "%.2fx", onSpark.median() / plain.median()),
        sparkOverNvidia);
  }

  /** One timed run. */
  @FunctionalInterface
  private interface Job {
    void run() throws IOException;
  }

  /** Items per second of one run of {@code job}. */
  private static double rate(int items, Job job) throws IOException {
    long start = System.nanoTime();
    job.run();
    return items / ((System.nanoTime() - start) / 1e9);
  }
}
