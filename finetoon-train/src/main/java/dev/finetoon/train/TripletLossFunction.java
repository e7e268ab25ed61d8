package dev.finetoon.train;

import ai.djl.ndarray.NDArray;
import dev.finetoon.finetune.TripletLoss;

/** {@link TripletLoss} computed on DJL arrays, differentiably. */
final class TripletLossFunction {
  private TripletLossFunction() {}

  /** The loss and the per-sample distances {@code [N]}. */
  record Result(NDArray loss, NDArray anchorPositive, NDArray anchorNegative) {}

  /** The loss of a batch of anchor, positive and negative embeddings {@code [N, D]}. */
  static Result compute(TripletLoss loss, NDArray anchor, NDArray positive, NDArray negative) {
    NDArray ap = distance(loss, anchor, positive);
    NDArray an = distance(loss, anchor, negative);
    NDArray hinge = ap.sub(an).add(Scalars.of(ap, loss.margin())).maximum(Scalars.of(ap, 0));
    return new Result(hinge.mean(), ap, an);
  }

  private static NDArray distance(TripletLoss loss, NDArray a, NDArray b) {
    NDArray cosine = cosineSimilarity(a, b);
    return loss.distance() == TripletLoss.Distance.COSINE_DISTANCE ? Scalars.of(cosine, 1).sub(cosine) : cosine;
  }

  /** {@code torch.nn.functional.cosine_similarity(a, b, dim=1, eps=1e-8)}. */
  static NDArray cosineSimilarity(NDArray a, NDArray b) {
    NDArray dot = a.mul(b).sum(new int[] {1});
    NDArray norms = a.norm(new int[] {1}).mul(b.norm(new int[] {1}));
    return dot.div(norms.maximum(Scalars.of(norms, 1e-8)));
  }
}
