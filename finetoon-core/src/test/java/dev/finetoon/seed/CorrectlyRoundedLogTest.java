package dev.finetoon.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CorrectlyRoundedLogTest {
  /** x and ln x rounded to nearest, from mpmath at 160 bits. StrictMath.log misrounds the first eight. */
  private static final double[][] CASES = {
    {0.10305571244359135, -2.272485539474235},
    {0.7943794815224912, -0.2301939954839263},
    {0.776038965576667, -0.25355254668757393},
    {0.9323694084826838, -0.07002618179390734},
    {0.4046977087068413, -0.9046148888241744},
    {0.978277988740298, -0.021961407270697935},
    {0.9134143103910065, -0.09056571118623515},
    {0.1930261874445467, -1.6449294130406222},
    {0.8983774131025271, -0.10716501712225035}, // glibc's log returns one ulp below (0.503 ulp off)
    {1.0, 0.0},
    {0.5, -0.6931471805599453},
    {2.0, 0.6931471805599453},
    {0.9999999999999999, -1.1102230246251565e-16},
    {1.0000000000000002, 2.2204460492503128e-16},
    {4.930380657631324e-32, -72.0873067782343},
    {1e-300, -690.7755278982137},
    {0.1, -2.3025850929940455},
    {Double.MIN_NORMAL, -708.3964185322641},
    {Double.MAX_VALUE, 709.782712893384},
  };

  @Test
  void roundsCorrectly() {
    for (double[] c : CASES) {
      assertThat(CorrectlyRoundedLog.log(c[0])).as("log(%s)", c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void staysWithinOneUlpOfTheJdk() {
    Random random = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      double x = random.nextDouble() + Double.MIN_NORMAL;
      long ulps = Double.doubleToLongBits(CorrectlyRoundedLog.log(x)) - Double.doubleToLongBits(StrictMath.log(x));
      assertThat(Math.abs(ulps)).as("ulps apart at %s", x).isLessThanOrEqualTo(1);
    }
  }
}
