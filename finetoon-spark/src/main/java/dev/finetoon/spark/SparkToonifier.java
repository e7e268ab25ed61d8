package dev.finetoon.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Toonifies a table of photos: each face of each photo found and aligned, projected into the human model, redrawn by
 * the toon model, and its identity distance measured as {@code finetoon evaluate} does (face-api.js descriptors of the
 * aligned photo and of its cartoon; under 0.6 reads as the same person). The photos are a table with a {@code path}
 * column and, optionally, their bytes in {@code content}: {@code spark.read().format("binaryFile")} gives both.
 *
 * <pre>{@code
 * Dataset<Row> photos = spark.read().format("binaryFile").load("hdfs:///archive/photos");
 * Dataset<Row> faces = SparkToonifier.builder()
 *     .base(SparkModel.file("/mnt/models/ffhq.pkl"))
 *     .toon(SparkModel.swap("/mnt/models/ffhq.pkl", "/mnt/models/webtoon.pkl", 64, 128, 256))
 *     .featureNetwork("/mnt/models/vgg16.pt")
 *     .projectionSteps(300)
 *     .build()
 *     .toonify(photos);
 * faces.write().parquet("hdfs:///archive/toonified");
 * }</pre>
 *
 * <p>One photo that cannot be read or shows no face never fails the job: it becomes one row whose {@code error} says
 * why (the other columns null). A model or feature network that cannot be opened fails it, since every photo would
 * fail alike. Each executor JVM reads the models once and opens one toonify session that all its tasks share. DJL
 * records gradients for one computation per JVM at a time, so an executor projects one face at a time, with PyTorch
 * on {@link Builder#projectionThreads} threads (default: the executor's cores); the other tasks meanwhile decode,
 * detect and render, each with {@link Builder#threadsPerTask} ONNX Runtime threads. Immutable and thread-safe.
 */
public final class SparkToonifier {
  /** The photo table's column with each photo's path (a {@code file:} URI, a path, or only a name with content). */
  public static final String PATH = "path";
  /** The photo table's optional column with each photo's bytes. */
  public static final String CONTENT = "content";

  /**
   * The result's columns: {@code source} (the photo's path), {@code face} (0 = the largest), {@code target} (the
   * aligned photo that was projected, PNG), {@code toonified} (PNG), {@code ws} (the projected {@code
   * [num_ws][w_dim]}, as {@code projected_w.npz} holds it), {@code identity_distance}, {@code projection_ms},
   * {@code render_ms}, and {@code error} (null unless the photo failed).
   */
  public static final StructType SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("face", DataTypes.IntegerType, true)
      .add("target", DataTypes.BinaryType, true)
      .add("toonified", DataTypes.BinaryType, true)
      .add("ws", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), true)
      .add("identity_distance", DataTypes.DoubleType, true)
      .add("projection_ms", DataTypes.DoubleType, true)
      .add("render_ms", DataTypes.DoubleType, true)
      .add("error", DataTypes.StringType, true);

  private final ToonifySettings settings;

  private SparkToonifier(ToonifySettings settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One row per face (or per failed photo) of the photos in {@code photos}; lazy, like every Spark transformation. */
  public Dataset<Row> toonify(Dataset<Row> photos) {
    checkArgument(Arrays.asList(photos.columns()).contains(PATH),
        "the photo table needs a '%s' column (spark.read().format(\"binaryFile\") gives it), got %s", PATH,
        Arrays.toString(photos.columns()));
    return photos.flatMap(new ToonifyPhoto(settings), Encoders.row(SCHEMA));
  }

  /**
   * Builder of a {@link SparkToonifier}: the base and the toon model are required; NVIDIA's 1000 projection steps,
   * seed 0, every face, one ONNX Runtime thread per task, and the resource cache's {@code vgg16.pt} unless given.
   */
  public static final class Builder {
    private SparkModel base;
    private SparkModel toon;
    private String featureNetwork;
    private int steps = 1000;
    private long seed;
    private boolean allFaces = true;
    private int threadsPerTask = 1;
    private int projectionThreads;

    private Builder() {}

    /** The human model: photos are projected into its latent space. */
    public Builder base(SparkModel model) {
      this.base = checkNotNull(model, "model");
      return this;
    }

    /** The model that draws the cartoons: a blend ({@link SparkModel#swap}) or a fine-tuned model's file. */
    public Builder toon(SparkModel model) {
      this.toon = checkNotNull(model, "model");
      return this;
    }

    /**
     * The LPIPS feature network (NVIDIA's {@code vgg16.pt}) where the executors read it. Without it each executor
     * takes {@code vgg16.pt} from its resource cache ({@code ~/.cache/finetoon}), downloading it once per machine.
     */
    public Builder featureNetwork(String location) {
      checkArgument(!checkNotNull(location, "location").isBlank(), "the feature network location is empty");
      this.featureNetwork = location;
      return this;
    }

    /** Projection steps (default NVIDIA's 1000). */
    public Builder projectionSteps(int value) {
      checkArgument(value > 0, "projection steps must be positive, got %s", value);
      this.steps = value;
      return this;
    }

    /** The projection's seed (default 0): the same photo gives the same ws. */
    public Builder projectionSeed(long value) {
      this.seed = value;
      return this;
    }

    /** Only the largest face of each photo (default: every face, the largest first). */
    public Builder largestFaceOnly() {
      this.allFaces = false;
      return this;
    }

    /**
     * ONNX Runtime threads of each task's rendering (default 1). Keep executor cores × this at or under the cores of
     * an executor's machine.
     */
    public Builder threadsPerTask(int value) {
      checkArgument(value > 0, "threads per task must be positive, got %s", value);
      this.threadsPerTask = value;
      return this;
    }

    /**
     * PyTorch's threads for the projections, which run one at a time per executor (default: {@code
     * spark.executor.cores}, else the machine's cores). PyTorch's count is one per JVM: the first session sets it
     * unless the executor's java options set {@code -Dai.djl.pytorch.num_threads}.
     */
    public Builder projectionThreads(int value) {
      checkArgument(value > 0, "projection threads must be positive, got %s", value);
      this.projectionThreads = value;
      return this;
    }

    public SparkToonifier build() {
      checkState(base != null, "set the base (human) model");
      checkState(toon != null, "set the toon model");
      return new SparkToonifier(new ToonifySettings(base, toon, featureNetwork, steps, seed, allFaces, threadsPerTask,
          projectionThreads));
    }
  }
}
