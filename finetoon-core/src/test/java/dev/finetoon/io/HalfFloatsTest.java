package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {
  @Test
  void everyHalfConvertsExactly() {
    for (int bits = 0; bits <= 0xffff; bits++) {
      int sign = bits >>> 15;
      int exponent = (bits >>> 10) & 0x1f;
      int mantissa = bits & 0x3ff;
      float converted = HalfFloats.halfToFloat((short) bits);

      if (exponent == 0x1f && mantissa != 0) {
        assertThat(converted).as("0x%04x", bits).isNaN();
        assertThat(Float.floatToRawIntBits(converted) >>> 13 & 0x3ff).as("payload of 0x%04x", bits).isEqualTo(mantissa);
      } else {
        double magnitude =
            exponent == 0x1f
                ? Double.POSITIVE_INFINITY
                : exponent == 0 ? Math.scalb((double) mantissa, -24) : Math.scalb(1024.0 + mantissa, exponent - 25);
        double expected = sign == 1 ? -magnitude : magnitude;
        assertThat((double) converted).as("0x%04x", bits).isEqualTo(expected);
        assertThat(Math.copySign(1f, converted)).as("sign of 0x%04x", bits).isEqualTo(sign == 1 ? -1f : 1f);
      }
    }
  }
}
