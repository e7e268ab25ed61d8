package dev.finetoon.train;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;

/**
 * PyTorch's {@code TripletMarginWithDistanceLoss}: {@code mean(max(d(a, p) − d(a, n) + margin, 0))}.
 *
 * <p>{@link Distance#COSINE_DISTANCE} ({@code d = 1 − cos}) is what the Fine-Tooning README describes and the
 * default. {@link Distance#NOTEBOOK_COSINE_SIMILARITY} ({@code d = cos}) is what the seed notebook literally passes
 * ({@code nn.CosineSimilarity()}); it pushes the anchor away from the positive and exists only to reproduce the
 * notebook.
 *
 * <pre>{@code
 * TripletLoss.Result r = new TripletLoss(TripletLoss.Distance.COSINE_DISTANCE, 1.0).compute(a, p, n);
 * }</pre>
 */
public record TripletLoss(Distance distance, double margin) {
  /** The distance between embeddings. */
  public enum Distance {
    COSINE_DISTANCE,
    NOTEBOOK_COSINE_SIMILARITY
  }

  /** The loss and the per-sample distances {@code [N]}. */
  public record Result(NDArray loss, NDArray anchorPositive, NDArray anchorNegative) {}

  public TripletLoss {
    checkArgument(margin >= 0, "margin must not be negative, got %s", margin);
  }

  /** The loss of a batch of anchor, positive and negative embeddings {@code [N, D]}. */
  public Result compute(NDArray anchor, NDArray positive, NDArray negative) {
    NDArray ap = distance(anchor, positive);
    NDArray an = distance(anchor, negative);
    NDArray hinge = ap.sub(an).add(Scalars.of(ap, margin)).maximum(Scalars.of(ap, 0));
    return new Result(hinge.mean(), ap, an);
  }

  private NDArray distance(NDArray a, NDArray b) {
    NDArray cosine = cosineSimilarity(a, b);
    return distance == Distance.COSINE_DISTANCE ? Scalars.of(cosine, 1).sub(cosine) : cosine;
  }

  /** {@code torch.nn.functional.cosine_similarity(a, b, dim=1, eps=1e-8)}. */
  static NDArray cosineSimilarity(NDArray a, NDArray b) {
    NDArray dot = a.mul(b).sum(new int[] {1});
    NDArray norms = a.norm(new int[] {1}).mul(b.norm(new int[] {1}));
    return dot.div(norms.maximum(Scalars.of(norms, 1e-8)));
  }
}
