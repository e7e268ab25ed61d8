package dev.finetoon.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.finetoon.NoiseMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Generated images as a Spark table: a range of seeds × one or more models (the human model, a blend, a fine-tuned
 * model) → one row per seed and model with its ws and PNG, as {@code finetoon generate} (and NVIDIA's generate.py)
 * draws them. A million seeds is one job; write it with Spark's own writers, which commit a job's output atomically.
 *
 * <pre>{@code
 * Dataset<Row> pairs = SparkGenerator.builder()
 *     .model("human", SparkModel.file("/mnt/models/ffhq.pkl"))
 *     .model("toon", SparkModel.swap("/mnt/models/ffhq.pkl", "/mnt/models/webtoon.pkl", 64, 128, 256))
 *     .truncation(0.7)
 *     .build()
 *     .generate(spark, 0, 1_000_000);
 * pairs.write().parquet("hdfs:///datasets/toon-pairs");
 * }</pre>
 *
 * <p>Each executor JVM opens each model's generator once and its tasks share it; a partition's seeds are drawn
 * {@link Builder#batchSize} at a time, and each task's native calls use {@link Builder#threadsPerTask} threads (one by
 * default, so that an executor's task slots, one per core, do not oversubscribe it). A partition's rows come batch by
 * batch, each batch model by model in the order given. Immutable and thread-safe.
 */
public final class SparkGenerator {
  /** The table's columns: {@code seed}, {@code model} (its name), {@code ws} ({@code [num_ws][w_dim]}), {@code png}. */
  public static final StructType SCHEMA = new StructType()
      .add("seed", DataTypes.LongType, false)
      .add("model", DataTypes.StringType, false)
      .add("ws", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false)
      .add("png", DataTypes.BinaryType, false);

  private final GenerateSettings settings;

  private SparkGenerator(GenerateSettings settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The seeds {@code from} (inclusive) to {@code to} (exclusive), in Spark's default number of partitions. */
  public Dataset<Row> generate(SparkSession spark, long from, long to) {
    return generate(spark, from, to, spark.sparkContext().defaultParallelism());
  }

  /** The seeds {@code from} (inclusive) to {@code to} (exclusive), in {@code partitions} partitions. */
  public Dataset<Row> generate(SparkSession spark, long from, long to, int partitions) {
    checkArgument(from >= 0 && to > from, "seeds must be a non-empty range of non-negative numbers, got %s to %s",
        from, to);
    checkArgument(to - 1 <= 0xFFFF_FFFFL, "seeds go up to 2^32 - 1 (numpy's RandomState), got %s", to - 1);
    checkArgument(partitions > 0, "partitions must be positive, got %s", partitions);
    return spark.range(from, to, 1, partitions).mapPartitions(new GeneratePartition(settings), Encoders.row(SCHEMA));
  }

  /** Builder of a {@link SparkGenerator}: at least one model; ψ 1, const noise, batch 8, one thread per task. */
  public static final class Builder {
    private final Map<String, SparkModel> models = new LinkedHashMap<>();
    private double psi = 1.0;
    private Integer cutoff;
    private NoiseMode noise = NoiseMode.CONST;
    private int batchSize = 8;
    private int threadsPerTask = 1;

    private Builder() {}

    /** A model whose images the rows named {@code name} hold. */
    public Builder model(String name, SparkModel model) {
      checkArgument(!models.containsKey(checkNotNull(name, "name")), "model %s is given twice", name);
      models.put(name, checkNotNull(model, "model"));
      return this;
    }

    /** Truncation ψ on every w (generate.py's {@code --trunc}). */
    public Builder truncation(double value) {
      checkArgument(Double.isFinite(value), "truncation psi must be finite, got %s", value);
      this.psi = value;
      return this;
    }

    /** Truncate only the first {@code layers} ws. */
    public Builder truncationCutoff(int layers) {
      checkArgument(layers >= 0, "truncation cutoff must not be negative, got %s", layers);
      this.cutoff = layers;
      return this;
    }

    /**
     * {@link NoiseMode#CONST} (default) or {@link NoiseMode#NONE}. Random noise is refused: its draw would depend on
     * how the seeds fall into batches and partitions, so the same seed would not give the same image twice.
     */
    public Builder noise(NoiseMode mode) {
      checkArgument(checkNotNull(mode, "mode") != NoiseMode.RANDOM,
          "random noise would depend on how seeds fall into partitions; use CONST or NONE");
      this.noise = mode;
      return this;
    }

    /** Seeds drawn in one generator call (default 8). */
    public Builder batchSize(int value) {
      checkArgument(value > 0, "batch size must be positive, got %s", value);
      this.batchSize = value;
      return this;
    }

    /**
     * Native threads of each task's generator calls (default 1). Keep executor cores × this at or under the cores
     * of an executor's machine.
     */
    public Builder threadsPerTask(int value) {
      checkArgument(value > 0, "threads per task must be positive, got %s", value);
      this.threadsPerTask = value;
      return this;
    }

    public SparkGenerator build() {
      checkState(!models.isEmpty(), "give at least one model(name, SparkModel)");
      List<GenerateSettings.NamedModel> named = new ArrayList<>();
      models.forEach((name, model) -> named.add(new GenerateSettings.NamedModel(name, model)));
      return new SparkGenerator(new GenerateSettings(named, psi, cutoff, noise, batchSize, threadsPerTask));
    }
  }
}
