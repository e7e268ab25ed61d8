package dev.finetoon.train;

import ai.djl.ndarray.NDArray;

/**
 * Scalars whose memory belongs to PyTorch. DJL's {@code NDArray.mul(Number)} and friends wrap the number's Java buffer
 * ({@code from_blob}) and close it right after the op, but autograd keeps that tensor for the backward pass, which then
 * reads memory the garbage collector may already have freed: gradients turn to garbage or NaN, depending on when the
 * collector runs. Every number that meets an array in finetoon-train goes through here instead.
 */
final class Scalars {
  private Scalars() {}

  /** A float32 scalar on {@code like}'s manager and device, owned by PyTorch. */
  static NDArray of(NDArray like, double value) {
    try (NDArray borrowed = like.getManager().create((float) value)) {
      return borrowed.duplicate();
    }
  }
}
