package dev.finetoon.spark;

import com.google.common.collect.Iterators;
import dev.finetoon.Generator;
import dev.finetoon.Tensor;
import dev.finetoon.image.Images;
import dev.finetoon.seed.NumpyRandomState;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition of a generate job: its seeds in batches, each batch through every model's generator (opened once per
 * executor JVM), rows made as Spark asks for them.
 */
final class GeneratePartition implements MapPartitionsFunction<Long, Row> {
  private static final long serialVersionUID = 1L;

  private final GenerateSettings settings;

  GeneratePartition(GenerateSettings settings) {
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Iterator<Long> seeds) {
    Iterator<List<Long>> batches = Iterators.partition(seeds, settings.batchSize());
    return Iterators.concat(Iterators.transform(batches, batch -> rows(batch).iterator()));
  }

  private List<Row> rows(List<Long> seeds) {
    List<Row> rows = new ArrayList<>(seeds.size() * settings.models().size());
    for (GenerateSettings.NamedModel named : settings.models()) {
      Generator generator;
      try {
        generator = ExecutorCache.generator(named.model(), settings.generatorOptions());
      } catch (IOException e) {
        throw new UncheckedIOException("could not load model " + named.name() + " (" + named.model() + ")", e);
      }
      Tensor z = NumpyRandomState.latents(seeds, generator.config().zDim());
      Tensor ws = generator.mapping(z, null, settings.truncation());
      List<BufferedImage> images = Images.toImages(generator.synthesis(ws, settings.noise()));
      for (int i = 0; i < seeds.size(); i++) {
        rows.add(RowFactory.create(seeds.get(i), named.name(), Cells.ws(ws, i), Cells.png(images.get(i))));
      }
    }
    return rows;
  }
}
