package dev.finetoon.spark;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point: {@code generate} and {@code toonify} jobs that write Parquet with Spark's
 * writer (committed atomically when the job succeeds). Model and photo locations are read by the executors.
 *
 * <pre>
 * spark-submit --class dev.finetoon.spark.SparkJobs --jars ... finetoon-spark.jar \
 *   generate --base /mnt/models/ffhq.pkl --donor /mnt/models/webtoon.pkl --blocks 64,128,256 \
 *   --seeds 0-999999 --trunc 0.7 --out hdfs:///datasets/pairs
 * spark-submit --class dev.finetoon.spark.SparkJobs ... finetoon-spark.jar \
 *   toonify --base /mnt/models/ffhq.pkl --donor /mnt/models/webtoon.pkl --blocks 64,128,256 \
 *   --vgg /mnt/models/vgg16.pt --photos hdfs:///archive/photos --out hdfs:///archive/toonified
 * </pre>
 */
@Command(
    name = "finetoon-spark",
    mixinStandardHelpOptions = true,
    subcommands = {SparkJobs.Generate.class, SparkJobs.Toonify.class},
    description = "finetoon's jobs on Apache Spark (run with spark-submit).")
public final class SparkJobs {
  private SparkJobs() {}

  public static void main(String[] args) {
    int exit = run(args);
    scala.Option<SparkSession> session = SparkSession.getActiveSession();
    if (session.isDefined()) {
      session.get().stop();
    }
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** Runs a job on the active Spark session (spark-submit's, or one the caller started); the exit code. */
  static int run(String... args) {
    return new CommandLine(new SparkJobs()).execute(args);
  }

  /** The toon model: a blend of a donor's blocks into the base, or a fine-tuned file. */
  static final class ToonModel {
    @ArgGroup(exclusive = false)
    Blend blend;

    @Option(names = "--network", paramLabel = "FILE", description = "An already blended or fine-tuned toon model.")
    String network;

    static final class Blend {
      @Option(names = "--donor", required = true, paramLabel = "FILE", description = "The toon model to blend in.")
      String donor;

      @Option(names = "--blocks", required = true, split = ",", paramLabel = "RES",
          description = "Block resolutions taken from the donor, e.g. 64,128,256.")
      List<Integer> blocks;
    }

    SparkModel model(String base) {
      return network != null ? SparkModel.file(network)
          : SparkModel.swap(base, blend.donor, blend.blocks.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Seeds × models → Parquet rows (seed, model, ws, png): the human model and the toon model.")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--base", required = true, paramLabel = "FILE", description = "The human model (rows 'human').")
    String base;

    @ArgGroup(exclusive = true)
    ToonModel toon;

    @Option(names = "--seeds", required = true, paramLabel = "FROM-TO",
        description = "Seeds, inclusive, e.g. 0-999999.")
    String seeds;

    @Option(names = "--trunc", paramLabel = "PSI", defaultValue = "1", description = "Truncation psi (default 1).")
    double psi;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "Seeds per generator call.")
    int batch;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions (default: Spark's parallelism).")
    Integer partitions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The Parquet output.")
    String out;

    @Override
    public Integer call() {
      String[] range = seeds.split("-", -1);
      if (range.length != 2) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--seeds takes FROM-TO, got " + seeds);
      }
      long from = Long.parseLong(range[0].trim());
      long to = Long.parseLong(range[1].trim()) + 1;
      SparkGenerator.Builder builder = SparkGenerator.builder().model("human", SparkModel.file(base))
          .truncation(psi).batchSize(batch);
      if (toon != null) {
        builder.model("toon", toon.model(base));
      }
      SparkSession spark = SparkSession.builder().getOrCreate();
      SparkGenerator generator = builder.build();
      Dataset<Row> rows = partitions != null ? generator.generate(spark, from, to, partitions)
          : generator.generate(spark, from, to);
      rows.write().parquet(out);
      return 0;
    }
  }

  @Command(name = "toonify", mixinStandardHelpOptions = true,
      description = "A folder of photos → Parquet rows per face (target, toonified, ws, identity distance, error).")
  static final class Toonify implements Callable<Integer> {
    @Option(names = "--base", required = true, paramLabel = "FILE", description = "The human model.")
    String base;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ToonModel toon;

    @Option(names = "--vgg", paramLabel = "FILE",
        description = "NVIDIA's vgg16.pt (default: each executor's ~/.cache/finetoon).")
    String featureNetwork;

    @Option(names = "--photos", required = true, paramLabel = "DIR", description = "Photos, read as binaryFile.")
    String photos;

    @Option(names = "--glob", paramLabel = "GLOB", defaultValue = "*",
        description = "Which files of the folder (binaryFile's pathGlobFilter), e.g. *.jpg.")
    String glob;

    @Option(names = "--num-steps", paramLabel = "N", defaultValue = "1000", description = "Projection steps.")
    int steps;

    @Option(names = "--largest-face-only", description = "Only the largest face of each photo.")
    boolean largestFaceOnly;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The Parquet output.")
    String out;

    @Override
    public Integer call() {
      SparkToonifier.Builder builder = SparkToonifier.builder().base(SparkModel.file(base)).toon(toon.model(base))
          .projectionSteps(steps);
      if (featureNetwork != null) {
        builder.featureNetwork(featureNetwork);
      }
      if (largestFaceOnly) {
        builder.largestFaceOnly();
      }
      SparkSession spark = SparkSession.builder().getOrCreate();
      Dataset<Row> files = spark.read().format("binaryFile").option("pathGlobFilter", glob).load(photos);
      builder.build().toonify(files).write().parquet(out);
      return 0;
    }
  }
}
