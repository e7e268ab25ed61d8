package dev.finetoon.spark;

import dev.finetoon.FinetoonException;
import dev.finetoon.Toonifier;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.onnx.face.FaceApi;
import dev.finetoon.onnx.face.FfhqFaces;
import dev.finetoon.project.ProjectionListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One photo of a toonify job: decoded, toonified by the executor's shared session, each face's identity distance
 * measured. A photo that cannot be read or shows no face becomes one row with its error; a session or model
 * that cannot be opened fails the task (every photo would fail alike).
 */
final class ToonifyPhoto implements FlatMapFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private static final PhotoReader PHOTOS = PhotoReader.defaults();

  private final ToonifySettings settings;

  ToonifyPhoto(ToonifySettings settings) {
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Row photo) throws IOException {
    String source = photo.getString(photo.fieldIndex(SparkToonifier.PATH));
    Toonifier toonifier = ExecutorCache.toonifier(settings);
    List<Toonifier.Result> results;
    try {
      RgbImage image = read(photo, source);
      results = settings.allFaces()
          ? toonifier.toonifyAll(image, ProjectionListener.NONE)
          : List.of(toonifier.toonify(image, ProjectionListener.NONE));
    } catch (IOException | FinetoonException e) {
      return List.of(failed(source, e)).iterator();
    }
    FaceApi faceApi = ExecutorCache.faceApi();
    List<Row> rows = new ArrayList<>();
    for (int face = 0; face < results.size(); face++) {
      rows.add(row(source, face, results.get(face), faceApi));
    }
    return rows.iterator();
  }

  /** The photo's bytes ({@code binaryFile}'s {@code content}) where the table has them, else its file. */
  private RgbImage read(Row photo, String source) throws IOException {
    if (Arrays.asList(photo.schema().fieldNames()).contains(SparkToonifier.CONTENT)) {
      int content = photo.fieldIndex(SparkToonifier.CONTENT);
      if (!photo.isNullAt(content)) {
        return PHOTOS.read((byte[]) photo.get(content), source);
      }
    }
    return PHOTOS.read(Locations.localFile(source));
  }

  private static Row row(String source, int face, Toonifier.Result result, FaceApi faceApi) {
    RgbImage target = RgbImage.from(result.target());
    RgbImage toonified = RgbImage.from(result.toonified());
    double distance = FaceApi.distance(
        faceApi.describe(FfhqFaces.descriptorCrop(target)), faceApi.describe(FfhqFaces.descriptorCrop(toonified)));
    return RowFactory.create(source, face, Cells.png(result.target()), Cells.png(result.toonified()),
        Cells.ws(result.projection().ws(), 0), distance, millis(result.projectionTime()),
        millis(result.renderTime()), null);
  }

  private static Row failed(String source, Exception e) {
    return RowFactory.create(source, null, null, null, null, null, null, null,
        e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  private static double millis(Duration duration) {
    return duration.toNanos() / 1e6;
  }
}
