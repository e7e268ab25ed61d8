package dev.finetoon.seed;

/**
 * The natural logarithm rounded to the nearest double, the same on every JVM and CPU. {@link Math#log} may differ
 * between platforms (an intrinsic on x86, fdlibm elsewhere) and {@link StrictMath#log} is off by one ulp in about 3%
 * of numpy's draws; correct rounding matches glibc's {@code log}, which numpy calls, in all but about 1 in 3000
 * draws, where glibc itself is 0.5+ ulp off.
 *
 * <p>Method: {@code x = 2^k m} with {@code m} in {@code [√½, √2]} and {@code log m = 2 atanh(s)},
 * {@code s = (m-1)/(m+1)}. The series {@code 2s Σ s^2n/(2n+1)} is summed in double-double arithmetic for its
 * leading terms and in doubles for the tail, leaving an error near 2^-90 relative before the final rounding. Exact
 * products use {@link Math#fma}, a single instruction on x86-64 and ARM64 CPUs of the last decade.
 */
final class CorrectlyRoundedLog {
  private static final double LN2_HI = 0.6931471805599453;
  private static final double LN2_LO = 2.3190468138462996e-17;
  private static final double SQRT2 = 1.4142135623730951;
  /** {@code s^2 <= 0.0295}: terms from 8 on are below 2^-40 and need only double precision; 18 reach 2^-90. */
  private static final int EXACT_TERMS = 8;
  private static final int TERMS = 18;
  /** {@code 1 / (2n + 1)} split into a double and the remainder below it. */
  private static final double[] INV_ODD_HI = new double[TERMS];
  private static final double[] INV_ODD_LO = new double[TERMS];

  static {
    for (int n = 0; n < TERMS; n++) {
      double d = 2 * n + 1;
      INV_ODD_HI[n] = 1 / d;
      INV_ODD_LO[n] = -Math.fma(INV_ODD_HI[n], d, -1) / d;
    }
  }

  private CorrectlyRoundedLog() {}

  /** {@code ln x}, correctly rounded, for a positive normal finite {@code x}. */
  static double log(double x) {
    int k = Math.getExponent(x);
    double m = Math.scalb(x, -k);
    if (m > SQRT2) {
      m *= 0.5;
      k++;
    }
    // s = (m - 1) / (m + 1) as sHi + sLo: m - 1 is exact (Sterbenz); dHi + dLo = m + 1 exactly.
    double num = m - 1;
    double dHi = m + 1;
    double dLo = m - (dHi - 1);
    double sHi = num / dHi;
    double sLo = (Math.fma(-sHi, dHi, num) - sHi * dLo) / dHi;
    // z = s^2 as zHi + zLo.
    double zHi = sHi * sHi;
    double zLo = Math.fma(sHi, sHi, -zHi) + 2 * sHi * sLo;
    // Horner from the last term down: doubles for the tail, double-double for the leading terms.
    double tail = INV_ODD_HI[TERMS - 1];
    for (int n = TERMS - 2; n >= EXACT_TERMS; n--) {
      tail = tail * zHi + INV_ODD_HI[n];
    }
    double hi = tail;
    double lo = 0;
    for (int n = EXACT_TERMS - 1; n >= 0; n--) {
      // (hi + lo) * (zHi + zLo)
      double p = hi * zHi;
      double pLo = Math.fma(hi, zHi, -p) + (hi * zLo + lo * zHi);
      // + (INV_ODD_HI[n] + INV_ODD_LO[n])
      double s = p + INV_ODD_HI[n];
      double sErr = (p - (s - (s - p))) + (INV_ODD_HI[n] - (s - p));
      lo = sErr + pLo + INV_ODD_LO[n];
      hi = s + lo;
      lo -= hi - s;
    }
    // log m = 2 s (hi + lo).
    double r = 2 * sHi * hi;
    double rLo = Math.fma(2 * sHi, hi, -r) + 2 * (sHi * lo + sLo * hi);
    // + k ln 2.
    double c = k * LN2_HI;
    double cLo = Math.fma(k, LN2_HI, -c) + k * LN2_LO;
    double sum = c + r;
    double sumErr = (c - (sum - (sum - c))) + (r - (sum - c));
    return sum + (sumErr + cLo + rLo);
  }
}
