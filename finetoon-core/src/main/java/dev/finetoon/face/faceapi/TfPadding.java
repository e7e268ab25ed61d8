package dev.finetoon.face.faceapi;

/**
 * TensorFlow's {@code 'same'} padding, which face-api.js's networks use and both lowerings must reproduce: {@code
 * ceil(n / stride)} outputs, and where the padding needed is odd, the extra row (and column) goes after — which
 * matters at stride 2.
 *
 * <pre>{@code
 * int[] p = TfPadding.same(112, 3, 2); // {0, 1}: nothing before, one row after
 * }</pre>
 */
public final class TfPadding {
  private TfPadding() {}

  /** {@code {before, after}} for a side of {@code n} under a {@code k}-tap kernel at {@code stride}. */
  public static int[] same(int n, int k, int stride) {
    int out = (n + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + k - n, 0);
    int before = total / 2;
    return new int[] {before, total - before};
  }
}
