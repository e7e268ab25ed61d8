package dev.finetoon.spark;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.LongStream;
import org.apache.spark.sql.SparkSession;

/**
 * The engine's overhead, measured in one run: images/s of {@code generate} through Spark {@code local[2]} against the
 * plain {@link Generator} (two ONNX Runtime threads, batch 8) on a random-weight 128² generator, and photos/s of
 * {@code toonify} with a short projection through Spark against one {@link Toonifier} with the same settings (one
 * ONNX Runtime thread per call, PyTorch on every core) on the tiny reference models.
 * Each row is the median of three timed runs after a warm-up (which loads the models), with min–max.
 *
 * <pre>
 * java [Spark's --add-opens flags] -cp finetoon-spark/target/test-classes:finetoon-spark/target/classes:CLASSPATH \
 *   dev.finetoon.spark.SparkBench SHARED_DIR FACE_API_REFERENCE_DIR [seeds]
 * </pre>
 */
public final class SparkBench {
  private static final int RUNS = 3;
  private static final int STEPS = 20;

  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    Path tiny = Path.of(args[0], "reference", "tiny");
    Path faceApi = Path.of(args[1]);
    int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    // Both toonify rows project with PyTorch on every core, as SparkToonifier's default on a 2-core executor does.
    System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Path work = Files.createTempDirectory("finetoon-spark-bench");
    Path model = work.resolve("random128.safetensors");
    ModelFiles.write(RandomModels.create(random128(), 1), model);
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
    System.out.printf(Locale.ROOT, "%-44s %-28s %-28s %s%n", "job", "plain", "Spark local[2]", "Spark / plain");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("SparkBench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      benchGenerate(spark, model, seeds);
      benchToonify(spark, tiny, photos, decoded);
    } finally {
      spark.stop();
      ExecutorCache.closeAll();
    }
  }

  /** A random-weight 128² generator: z = w = 256, 8 mapping layers, channel_base 8192, channel_max 256. */
  private static GeneratorConfig random128() {
    return GeneratorConfig.builder(256, 256, 128)
        .mapping(MappingConfig.defaults(256, 0))
        .synthesis(new SynthesisConfig(8192, 256, 4, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  private static void benchGenerate(SparkSession spark, Path model, int seeds) throws IOException {
    StyleGanModel loaded = ModelFiles.read(model);
    List<Long> all = LongStream.range(0, seeds).boxed().toList();
    double[] plain;
    try (Generator g = Generators.open(loaded, GeneratorOptions.DEFAULTS.withThreads(2))) {
      plain = rates(seeds, () -> {
        for (int from = 0; from < seeds; from += 8) {
          List<Long> batch = all.subList(from, Math.min(seeds, from + 8));
          Images.toImages(g.synthesis(
              g.mapping(NumpyRandomState.latents(batch, 256), null, Truncation.of(0.7)), Noise.CONST));
        }
      });
    }
    SparkGenerator generator = SparkGenerator.builder().model("random", SparkModel.file(model.toString()))
        .truncation(0.7).build();
    double[] spark2 = rates(seeds, () -> generator.generate(spark, 0, seeds, 4).count());
    row("generate, random 128², " + seeds + " seeds (img/s)", plain, spark2);
  }

  private static void benchToonify(SparkSession spark, Path tiny, Path photos, List<RgbImage> decoded)
      throws IOException {
    String base = tiny.resolve("tiny_base.pkl").toString();
    String toon = tiny.resolve("tiny_toon.pkl").toString();
    String lpips = tiny.resolve("tiny_lpips.pt").toString();
    StyleGanModel human = ModelFiles.read(Path.of(base));
    StyleGanModel blend = LayerBlender.swap(16, 32).blend(human, ModelFiles.read(Path.of(toon)));
    double[] plain;
    // The session SparkToonifier opens: one ONNX Runtime thread per call, PyTorch on every core (set in main).
    try (Toonifier single = Toonifier.builder().base(human).fineTuned(blend).featureNetwork(Path.of(lpips))
        .projection(ProjectionOptions.defaults().withSteps(STEPS))
        .generatorOptions(GeneratorOptions.DEFAULTS.withThreads(1)).build()) {
      plain = rates(decoded.size(), () -> {
        for (RgbImage photo : decoded) {
          single.toonifyAll(photo, ProjectionListener.NONE);
        }
      });
    }
    SparkToonifier toonifier = SparkToonifier.builder().base(SparkModel.file(base))
        .toon(SparkModel.swap(base, toon, 16, 32)).featureNetwork(lpips).projectionSteps(STEPS).build();
    double[] spark2 = rates(decoded.size(), () -> toonifier.toonify(
        spark.read().format("binaryFile").load(photos.toString()).repartition(decoded.size())).count());
    row("toonify, tiny 32², " + STEPS + " steps, " + decoded.size() + " photos (photos/s)", plain, spark2);
  }

  /** One timed run. */
  @FunctionalInterface
  private interface Job {
    void run() throws IOException;
  }

  /** Items per second of {@code RUNS} timed runs after one warm-up. */
  private static double[] rates(int items, Job run) throws IOException {
    run.run();
    double[] rates = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      run.run();
      rates[i] = items / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(rates);
    return rates;
  }

  private static void row(String job, double[] plain, double[] spark) {
    System.out.printf(Locale.ROOT, "%-44s %-28s %-28s %.2fx%n", job, cell(plain), cell(spark),
        spark[RUNS / 2] / plain[RUNS / 2]);
  }

  private static String cell(double[] sorted) {
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", sorted[RUNS / 2], sorted[0], sorted[RUNS - 1]);
  }
}
