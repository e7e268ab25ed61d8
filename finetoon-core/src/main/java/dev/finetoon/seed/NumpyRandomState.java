package dev.finetoon.seed;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Tensor;
import java.util.List;

/**
 * numpy's legacy {@code numpy.random.RandomState(seed)} reproduced bit for bit: the MT19937 generator seeded with
 * {@code init_genrand}, {@code random_sample} doubles and {@code randn} normals by the polar method. This is how
 * NVIDIA's {@code generate.py} and the Fine-Tooning notebooks turn a seed into a latent z.
 *
 * <pre>{@code
 * NumpyRandomState rng = new NumpyRandomState(303);
 * double[] z = rng.randn(1, 512);                                // as RandomState(303).randn(1, 512)
 * Tensor batch = NumpyRandomState.latents(List.of(0L, 1L), 512); // [2, 512] float32
 * }</pre>
 *
 * <p>Logarithms are rounded correctly (see {@link CorrectlyRoundedLog}), so results are the same on every platform.
 * They equal numpy's on Linux to the last bit, except that about 1 normal in 3000 differs in its last bit where
 * glibc's {@code log} is itself misrounded. None survived the cast to float32 ({@link #randnFloat},
 * {@link #latents}) in 14 million draws compared.
 *
 * <p>Not thread-safe: every draw changes the state; use one instance per thread.
 */
public final class NumpyRandomState {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] mt = new int[N];
  private int index;
  private boolean hasGauss;
  private double gauss;

  /** A generator in the state of {@code RandomState(seed)}; {@code seed} must be in {@code [0, 2^32 - 1]}. */
  public NumpyRandomState(long seed) {
    checkArgument(seed >= 0 && seed <= 0xFFFFFFFFL, "seed must be between 0 and 2^32 - 1, got %s", seed);
    // init_genrand: int arithmetic wraps modulo 2^32 exactly as the reference's unsigned longs masked to 32 bits.
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    index = N;
  }

  /** The next raw 32-bit output of MT19937, as an unsigned value. */
  public long nextUint32() {
    if (index == N) {
      twist();
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return Integer.toUnsignedLong(y);
  }

  /** The next double in {@code [0, 1)}, as {@code random_sample()}: 53 random bits from two draws. */
  public double nextDouble() {
    long a = nextUint32() >>> 5;
    long b = nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** The next standard normal, as {@code randn()}: the polar method, which yields two values per accepted pair. */
  public double nextGaussian() {
    if (hasGauss) {
      hasGauss = false;
      return gauss;
    }
    double x1;
    double x2;
    double r2;
    do {
      x1 = 2.0 * nextDouble() - 1.0;
      x2 = 2.0 * nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = Math.sqrt(-2.0 * CorrectlyRoundedLog.log(r2) / r2);
    gauss = f * x1;
    hasGauss = true;
    return f * x2;
  }

  /** {@code randn(*shape)}: standard normals in C order, as many as the shape holds. */
  public double[] randn(int... shape) {
    double[] values = new double[Tensor.checkedSize(shape)];
    for (int i = 0; i < values.length; i++) {
      values[i] = nextGaussian();
    }
    return values;
  }

  /** {@code torch.from_numpy(randn(*shape)).to(torch.float32)}: {@link #randn} with each value rounded to float. */
  public Tensor randnFloat(int... shape) {
    double[] values = randn(shape);
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return Tensor.of(floats, shape);
  }

  /**
   * The latents NVIDIA's {@code generate.py} draws for {@code seeds}: a {@code [seeds.size(), zDim]} float32 tensor
   * whose row i is {@code RandomState(seeds[i]).randn(1, zDim)}.
   */
  public static Tensor latents(List<Long> seeds, int zDim) {
    checkArgument(!seeds.isEmpty(), "no seeds");
    checkArgument(zDim > 0, "zDim must be positive, got %s", zDim);
    Tensor[] rows = new Tensor[seeds.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new NumpyRandomState(seeds.get(i)).randnFloat(1, zDim);
    }
    return Tensor.concat(rows);
  }

  private void twist() {
    // One loop over the ring buffer is the reference's three loops: mt[(i + M) % N] is an old value for i < N - M
    // and an already updated one afterwards, exactly as there.
    for (int i = 0; i < N; i++) {
      int y = (mt[i] & UPPER_MASK) | (mt[(i + 1) % N] & LOWER_MASK);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    index = 0;
  }
}
