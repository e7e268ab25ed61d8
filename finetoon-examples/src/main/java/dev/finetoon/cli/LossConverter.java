package dev.finetoon.cli;

import dev.finetoon.finetune.TripletLoss;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --loss cosine-distance|notebook-similarity} into the triplet loss's distance. */
final class LossConverter implements ITypeConverter<TripletLoss.Distance> {
  @Override
  public TripletLoss.Distance convert(String value) {
    return switch (value) {
      case "cosine-distance" -> TripletLoss.Distance.COSINE_DISTANCE;
      case "notebook-similarity" -> TripletLoss.Distance.NOTEBOOK_COSINE_SIMILARITY;
      default -> throw new TypeConversionException(
          "expected cosine-distance or notebook-similarity, got '" + value + "'");
    };
  }
}
