package dev.finetoon.examples;

import dev.finetoon.spark.SparkGenerator;
import dev.finetoon.spark.SparkModel;
import dev.finetoon.spark.SparkToonifier;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Pinkney's Toonify data set on Spark: the human model's and the toon blend's image of the same w for a range of seeds
 * (pairs to train a feed-forward toonifier on), then a folder of photos toonified, with the mean identity distance.
 * Model paths must be readable on every executor (a shared mount), or names of files given to {@code --files}.
 *
 * <pre>
 * spark-submit --class dev.finetoon.examples.SparkToonPairs finetoon-examples/target/finetoon.jar \
 *   BASE TOON BLOCKS VGG SEEDS PHOTOS OUTDIR
 * </pre>
 *
 * <p>Writes {@code OUTDIR/pairs} (one row per seed: {@code seed}, {@code human}, {@code toon} PNGs) and
 * {@code OUTDIR/toonified} (one row per face) as Parquet.
 */
public final class SparkToonPairs {
  private static final String USAGE =
      "usage: SparkToonPairs BASE TOON BLOCKS VGG SEEDS PHOTOS OUTDIR\n"
          + "  BASE    the face model (.pkl or finetoon safetensors)\n"
          + "  TOON    its cartoon fine-tune\n"
          + "  BLOCKS  the toon model's blocks blended into BASE, e.g. 64,128,256\n"
          + "  VGG     the LPIPS feature network, NVIDIA's metrics/vgg16.pt\n"
          + "  SEEDS   how many pairs (seeds 0 to SEEDS - 1)\n"
          + "  PHOTOS  a folder of photos (every face is toonified)\n"
          + "  OUTDIR  where the Parquet tables pairs/ and toonified/ go";

  private SparkToonPairs() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.out.println(USAGE);
      return;
    }
    String base = args[0];
    int[] blocks = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
    SparkModel toon = SparkModel.swap(base, args[1], blocks);
    SparkSession spark = SparkSession.builder().appName("finetoon toon pairs").getOrCreate();
    try {
      Dataset<Row> images = SparkGenerator.builder()
          .model("human", SparkModel.file(base))
          .model("toon", toon)
          .truncation(0.7)
          .build()
          .generate(spark, 0, Long.parseLong(args[4]));
      // One row per seed with both images side by side.
      images.groupBy("seed").pivot("model").agg(functions.first("png")).write().parquet(args[6] + "/pairs");

      Dataset<Row> faces = SparkToonifier.builder()
          .base(SparkModel.file(base))
          .toon(toon)
          .featureNetwork(args[3])
          .build()
          .toonify(spark.read().format("binaryFile").load(args[5]))
          .cache();
      faces.write().parquet(args[6] + "/toonified");
      Row summary = faces.agg(functions.count("face"), functions.avg("identity_distance"),
          functions.count(functions.col("error"))).first();
      System.out.printf("%d faces, mean identity distance %.4f; %d photos failed (see the error column)%n",
          summary.getLong(0), summary.isNullAt(1) ? Double.NaN : summary.getDouble(1), summary.getLong(2));
    } finally {
      spark.stop();
    }
  }
}
