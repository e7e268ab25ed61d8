package dev.finetoon.io;

/**
 * IEEE 754 binary16 and bfloat16 to float32, exactly (Java 17 has no {@code Float.float16ToFloat}).
 *
 * <pre>{@code
 * float one = HalfFloats.halfToFloat((short) 0x3C00); // 1.0
 * }</pre>
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** A binary16 value (sign, 5-bit exponent, 10-bit mantissa) as float32, subnormals, infinities and NaN included. */
  public static float halfToFloat(short bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** A bfloat16 value (the top half of a float32) as float32. */
  public static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
