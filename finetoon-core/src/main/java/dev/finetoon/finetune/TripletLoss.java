package dev.finetoon.finetune;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Which triplet loss the fine-tune minimises: PyTorch's {@code TripletMarginWithDistanceLoss},
 * {@code mean(max(d(a, p) − d(a, n) + margin, 0))}.
 *
 * <p>{@link Distance#COSINE_DISTANCE} ({@code d = 1 − cos}) is what the Fine-Tooning README describes and the
 * default. {@link Distance#NOTEBOOK_COSINE_SIMILARITY} ({@code d = cos}) is what the seed notebook literally passes
 * ({@code nn.CosineSimilarity()}); it pushes the anchor away from the positive and exists only to reproduce the
 * notebook.
 *
 * <pre>{@code
 * FineTuneOptions.builder().loss(new TripletLoss(TripletLoss.Distance.COSINE_DISTANCE, 1.0)).build();
 * }</pre>
 */
public record TripletLoss(Distance distance, double margin) {
  /** The distance between embeddings. */
  public enum Distance {
    COSINE_DISTANCE,
    NOTEBOOK_COSINE_SIMILARITY
  }

  public TripletLoss {
    checkNotNull(distance, "distance");
    checkArgument(margin >= 0, "margin must not be negative, got %s", margin);
  }
}
