package dev.finetoon.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.finetoon.LayerBlender;
import dev.finetoon.Toonifier;
import dev.finetoon.image.Images;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.onnx.face.FaceApi;
import dev.finetoon.onnx.face.FfhqFaces;
import dev.finetoon.project.ProjectionListener;
import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.testing.ReferenceData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Toonifying a folder through Spark in local[2] on the tiny models: two of face-api.js's demo photos (several faces
 * each), a photo without a face and a file that is no photo. The job succeeds; the
 * two bad files are rows with errors; the faces match a single-machine {@link Toonifier}.
 */
class SparkToonifierTest {
  private static final int STEPS = 4;
  private static final Path FACE_API = Path.of("..", "finetoon-onnx", "target", "face-api-reference");

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    ReferenceData.tiny();
    assumeThat(FACE_API.resolve("reference.json")).as(
        "face-api.js's demo photos: finetoon-onnx's build writes them with Node.js; skipping").isRegularFile();
    spark = LocalSpark.start("SparkToonifierTest");
  }

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop(spark);
  }

  @Test
  void aFolderWithABadFileAndAFacelessPhotoGivesRowsWithErrors(@TempDir Path folder) throws IOException {
    Map<String, RgbImage> photos = Map.of("sample1.png", demoPhoto("sample1"), "sample2.png", demoPhoto("sample2"));
    for (Map.Entry<String, RgbImage> photo : photos.entrySet()) {
      Images.writePng(photo.getValue().toBufferedImage(), folder.resolve(photo.getKey()));
    }
    Files.copy(ReferenceData.tiny("tiny_photo.png"), folder.resolve("no-face.png"));
    Files.writeString(folder.resolve("broken.jpg"), "not a photo", StandardCharsets.UTF_8);
    String base = ReferenceData.tiny("tiny_base.pkl").toString();
    String toon = ReferenceData.tiny("tiny_toon.pkl").toString();
    ExecutorCache.closeAll();

    List<Row> rows = SparkToonifier.builder()
        .base(SparkModel.file(base))
        .toon(SparkModel.swap(base, toon, 16, 32))
        .featureNetwork(ReferenceData.tiny("tiny_lpips.pt").toString())
        .projectionSteps(STEPS)
        .build()
        .toonify(spark.read().format("binaryFile").load(folder.toString()).repartition(4))
        .collectAsList();

    Map<String, List<Row>> bySource = rows.stream()
        .collect(Collectors.groupingBy(r -> Path.of(r.getString(0).replace("file:", "")).getFileName().toString()));
    assertThat(bySource).containsOnlyKeys("sample1.png", "sample2.png", "no-face.png", "broken.jpg");
    assertThat(bySource.get("broken.jpg")).singleElement()
        .satisfies(r -> assertThat(r.getString(8)).startsWith("ImageFormatException: ").contains("broken.jpg"))
        .satisfies(r -> assertThat(r.isNullAt(1)).isTrue());
    assertThat(bySource.get("no-face.png")).singleElement()
        .satisfies(r -> assertThat(r.getString(8)).startsWith("NoFaceFoundException: no face found in the 40x48"));

    StyleGanModel human = ModelFiles.read(ReferenceData.tiny("tiny_base.pkl"));
    StyleGanModel blend = LayerBlender.swap(16, 32).blend(human, ModelFiles.read(ReferenceData.tiny("tiny_toon.pkl")));
    try (Toonifier single = Toonifier.builder().base(human).fineTuned(blend)
            .featureNetwork(ReferenceData.tiny("tiny_lpips.pt"))
            .projection(ProjectionOptions.defaults().withSteps(STEPS)).build();
        FaceApi faceApi = FaceApi.open()) {
      for (String name : photos.keySet()) {
        List<Row> faces = bySource.get(name).stream().sorted(Comparator.comparingInt(r -> r.getInt(1))).toList();
        List<Toonifier.Result> expected = single.toonifyAll(photos.get(name), ProjectionListener.NONE);
        assertThat(faces).as(name).isNotEmpty().hasSameSizeAs(expected);
        for (int face = 0; face < faces.size(); face++) {
          Row row = faces.get(face);
          Toonifier.Result result = expected.get(face);
          assertThat(row.isNullAt(8)).as("%s face %s: %s", name, face, row.get(8)).isTrue();
          assertThat(row.getInt(1)).isEqualTo(face);
          assertThat(png(row, 2)).isEqualTo(RgbImage.from(result.target()));
          assertThat(png(row, 3)).isEqualTo(RgbImage.from(result.toonified()));
          assertThat(SparkGeneratorTest.maxDifference(
              SparkGeneratorTest.ws(row, "ws"), Cells.ws(result.projection().ws(), 0))).isLessThanOrEqualTo(1e-6);
          double distance = FaceApi.distance(
              faceApi.describe(FfhqFaces.descriptorCrop(RgbImage.from(result.target()))),
              faceApi.describe(FfhqFaces.descriptorCrop(RgbImage.from(result.toonified()))));
          assertThat(row.getDouble(5)).isCloseTo(distance, within(1e-6)).isPositive();
          assertThat(row.getDouble(6)).isPositive();
        }
      }
    }
    // Four partitions on two task slots: the models, the session and the descriptor network once.
    assertThat(ExecutorCache.opened(ExecutorCache.Kind.MODEL_FILE)).isEqualTo(2);
    assertThat(ExecutorCache.opened(ExecutorCache.Kind.MODEL)).isEqualTo(2);
    assertThat(ExecutorCache.opened(ExecutorCache.Kind.TOONIFIER)).isEqualTo(1);
    assertThat(ExecutorCache.opened(ExecutorCache.Kind.FACE_API)).isEqualTo(1);
  }

  /** A demo photo as face-api.js decoded it. */
  private static RgbImage demoPhoto(String name) throws IOException {
    NpyArray rgb = NpyFile.read(FACE_API.resolve(name + ".rgb.npy"));
    return RgbImage.of(rgb.shape()[1], rgb.shape()[0], rgb.toLittleEndianBytes());
  }

  private static RgbImage png(Row row, int column) throws IOException {
    return RgbImage.from(ImageIO.read(new ByteArrayInputStream((byte[]) row.get(column))));
  }
}
