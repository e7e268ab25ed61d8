package dev.finetoon.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.Generator;
import dev.finetoon.Generators;
import dev.finetoon.LayerBlender;
import dev.finetoon.Noise;
import dev.finetoon.NoiseMode;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.image.Images;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.NumpyRandomState;
import dev.finetoon.testing.ReferenceData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation through Spark in local[2] against the single-machine {@link Generator}, on the tiny models. */
class SparkGeneratorTest {
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    ReferenceData.tiny();
    spark = LocalSpark.start("SparkGeneratorTest");
  }

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop(spark);
  }

  @Test
  void sixtyFourSeedsMatchTheGeneratorAndEachModelOpensOncePerJvm() throws IOException {
    String base = ReferenceData.tiny("tiny_base.pkl").toString();
    String toon = ReferenceData.tiny("tiny_toon.pkl").toString();
    ExecutorCache.closeAll();

    List<Row> rows = SparkGenerator.builder()
        .model("human", SparkModel.file(base))
        .model("toon", SparkModel.swap(base, toon, 16, 32))
        .truncation(0.7)
        .batchSize(5)
        .build()
        .generate(spark, 0, 64, 8) // 8 partitions, more than the 2 task slots
        .collectAsList();

    assertThat(rows).hasSize(128);
    StyleGanModel human = ModelFiles.read(ReferenceData.tiny("tiny_base.pkl"));
    StyleGanModel blend = LayerBlender.swap(16, 32).blend(human, ModelFiles.read(ReferenceData.tiny("tiny_toon.pkl")));
    List<Long> seeds = LongStream.range(0, 64).boxed().toList();
    for (Map.Entry<String, StyleGanModel> model : Map.of("human", human, "toon", blend).entrySet()) {
      Map<Long, Row> bySeed = rows.stream().filter(r -> r.getString(1).equals(model.getKey()))
          .collect(Collectors.toMap(r -> r.getLong(0), r -> r));
      assertThat(bySeed.keySet()).containsExactlyInAnyOrderElementsOf(seeds);
      try (Generator g = Generators.open(model.getValue())) {
        Tensor ws = g.mapping(NumpyRandomState.latents(seeds, g.config().zDim()), null, Truncation.of(0.7));
        List<RgbImage> expected = Images.toImages(g.synthesis(ws, Noise.CONST)).stream().map(RgbImage::from).toList();
        for (int i = 0; i < 64; i++) {
          Row row = bySeed.get((long) i);
          assertThat(png(row)).as("%s seed %s", model.getKey(), i).isEqualTo(expected.get(i));
          assertThat(maxDifference(ws(row, "ws"), Cells.ws(ws, i))).as("ws of seed %s", i).isLessThanOrEqualTo(1e-6);
        }
      }
    }
    // Two model files, two models (the file and its blend), two generators: once per JVM, not per partition.
    assertThat(ExecutorCache.opened(ExecutorCache.Kind.MODEL_FILE)).isEqualTo(2);
    assertThat(ExecutorCache.opened(ExecutorCache.Kind.MODEL)).isEqualTo(2);
    assertThat(ExecutorCache.opened(ExecutorCache.Kind.GENERATOR)).isEqualTo(2);
  }

  @Test
  void theSparkSubmitEntryWritesTheSameRowsToParquet(@TempDir Path out) {
    String base = ReferenceData.tiny("tiny_base.pkl").toString();
    String toon = ReferenceData.tiny("tiny_toon.pkl").toString();
    String parquet = out.resolve("pairs").toString();

    int exit = SparkJobs.run("generate", "--base", base, "--donor", toon, "--blocks", "16,32", "--seeds", "3-12",
        "--trunc", "0.7", "--partitions", "3", "--out", parquet);

    assertThat(exit).isZero();
    Map<String, Row> written = byKey(spark.read().parquet(parquet).collectAsList());
    Map<String, Row> direct = byKey(SparkGenerator.builder().model("human", SparkModel.file(base))
        .model("toon", SparkModel.swap(base, toon, 16, 32)).truncation(0.7).build()
        .generate(spark, 3, 13, 2).collectAsList());
    assertThat(written).hasSize(20).containsOnlyKeys(direct.keySet());
    direct.forEach((key, row) -> assertThat((byte[]) written.get(key).getAs("png")).as(key)
        .isEqualTo((byte[]) row.getAs("png")));
    assertThat(SparkJobs.run("generate", "--base", base, "--seeds", "7", "--out", parquet)).isNotZero();
  }

  private static Map<String, Row> byKey(List<Row> rows) {
    return rows.stream().collect(Collectors.toMap(r -> r.getAs("model") + " " + r.getAs("seed"), r -> r));
  }

  @Test
  void aMissingModelFailsTheJobNamingTheFile() {
    SparkGenerator generator = SparkGenerator.builder().model("x", SparkModel.file("/nowhere/model.pkl")).build();
    assertThatThrownBy(() -> generator.generate(spark, 0, 2, 1).collectAsList())
        .hasStackTraceContaining("/nowhere/model.pkl: not a file on this executor");
  }

  @Test
  void randomNoiseIsRefused() {
    assertThatThrownBy(() -> SparkGenerator.builder().noise(NoiseMode.RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("depend on how seeds fall into partitions");
  }

  private static RgbImage png(Row row) throws IOException {
    return RgbImage.from(ImageIO.read(new ByteArrayInputStream((byte[]) row.get(3))));
  }

  /** The largest difference between a ws cell and the expected ws. */
  static double maxDifference(float[][] cell, float[][] expected) {
    assertThat(cell.length).isEqualTo(expected.length);
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      assertThat(cell[i]).hasSameSizeAs(expected[i]);
      for (int j = 0; j < expected[i].length; j++) {
        max = Math.max(max, Math.abs(cell[i][j] - expected[i][j]));
      }
    }
    return max;
  }

  /** A {@code [num_ws][w_dim]} cell as Spark returns it (a list of Scala sequences). */
  static float[][] ws(Row row, String column) {
    List<scala.collection.Seq<Float>> rows = row.getList(row.fieldIndex(column));
    float[][] ws = new float[rows.size()][];
    for (int i = 0; i < ws.length; i++) {
      List<Float> w = scala.jdk.javaapi.CollectionConverters.asJava(rows.get(i));
      ws[i] = new float[w.size()];
      for (int j = 0; j < w.size(); j++) {
        ws[i][j] = w.get(j);
      }
    }
    return ws;
  }
}
