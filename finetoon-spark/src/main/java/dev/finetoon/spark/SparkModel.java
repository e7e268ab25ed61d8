package dev.finetoon.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.primitives.Ints;
import dev.finetoon.LayerBlender;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A model as the executors find it: a model file ({@code .pkl}, {@code .safetensors}) or the blend of two, named by
 * where each executor can read it — a path on a file system every executor mounts, a {@code file:} URI, or the name of
 * a file added with {@code SparkContext.addFile} (looked up with {@code SparkFiles.get}). Only this description travels
 * with the tasks; each executor JVM reads (and blends) the model once and keeps it ({@link ExecutorCache}).
 *
 * <pre>{@code
 * SparkModel human = SparkModel.file("/mnt/models/ffhq.pkl");
 * SparkModel toon = SparkModel.swap("/mnt/models/ffhq.pkl", "/mnt/models/webtoon.pkl", 64, 128, 256);
 * spark.sparkContext().addFile("hdfs:///models/tuned.safetensors");
 * SparkModel tuned = SparkModel.file("tuned.safetensors");     // found through SparkFiles on each executor
 * }</pre>
 *
 * <p>Immutable, serializable, and a value (equal descriptions share one loaded model).
 */
public final class SparkModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String donor;
  private final List<Integer> swappedBlocks;

  private SparkModel(String file, String donor, List<Integer> swappedBlocks) {
    this.file = file;
    this.donor = donor;
    this.swappedBlocks = swappedBlocks;
  }

  /** The model in one file. */
  public static SparkModel file(String location) {
    checkArgument(!checkNotNull(location, "location").isBlank(), "the model location is empty");
    return new SparkModel(location, null, List.of());
  }

  /** The base model with its synthesis blocks at these resolutions taken from the donor ({@link LayerBlender#swap}). */
  public static SparkModel swap(String base, String donor, int... resolutions) {
    checkArgument(resolutions.length > 0, "give the block resolutions to take from the donor, e.g. 64, 128, 256");
    checkArgument(!checkNotNull(donor, "donor").isBlank(), "the donor location is empty");
    return new SparkModel(file(base).file, donor, List.copyOf(Ints.asList(resolutions)));
  }

  /** Reads (and blends) the model on this JVM; callers go through {@link ExecutorCache#model}. */
  StyleGanModel load(ExecutorCache.ModelReader reader) throws IOException {
    StyleGanModel base = reader.read(file);
    if (donor == null) {
      return base;
    }
    return LayerBlender.swap(Ints.toArray(swappedBlocks)).blend(base, reader.read(donor));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparkModel other && file.equals(other.file) && Objects.equals(donor, other.donor)
        && swappedBlocks.equals(other.swappedBlocks);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, donor, swappedBlocks);
  }

  @Override
  public String toString() {
    return donor == null ? file : file + " with blocks " + swappedBlocks + " of " + donor;
  }
}
