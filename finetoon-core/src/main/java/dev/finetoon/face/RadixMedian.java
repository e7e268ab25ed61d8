package dev.finetoon.face;

import java.util.Arrays;

/**
 * numpy's {@code np.median(img, axis=(0, 1))} for a float32 {@code [H, W, 3]} image of non-negative values: per channel
 * the middle value, or the float32 mean of the two middle ones. Exact, in linear time and without a sorted copy: a
 * two-pass radix selection on the values' bit patterns, which order like the values themselves for non-negative floats.
 */
final class RadixMedian {
  private static final int CHANNELS = 3;

  private RadixMedian() {}

  static float[] medians(float[] image) {
    int n = image.length / CHANNELS;
    float[] result = new float[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
      float upper = select(image, c, n / 2);
      result[c] = n % 2 == 1 ? upper : (select(image, c, n / 2 - 1) + upper) / 2f;
    }
    return result;
  }

  /** The {@code k}-th smallest (from 0) sample of {@code channel}. */
  private static float select(float[] image, int channel, int k) {
    int[] counts = new int[1 << 16];
    for (int i = channel; i < image.length; i += CHANNELS) {
      counts[bits(image[i]) >>> 16]++;
    }
    int high = 0;
    while (k >= counts[high]) {
      k -= counts[high++];
    }
    Arrays.fill(counts, 0);
    for (int i = channel; i < image.length; i += CHANNELS) {
      int b = bits(image[i]);
      if (b >>> 16 == high) {
        counts[b & 0xFFFF]++;
      }
    }
    int low = 0;
    while (k >= counts[low]) {
      k -= counts[low++];
    }
    return Float.intBitsToFloat(high << 16 | low);
  }

  /** The bit pattern of {@code v}, with -0 taken as +0. */
  private static int bits(float v) {
    return Float.floatToRawIntBits(v + 0.0f);
  }
}
