package dev.finetoon.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import dev.finetoon.Tensor;
import dev.finetoon.Truncation;
import dev.finetoon.model.Activation;
import dev.finetoon.model.DenseLayer;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.SynthesisBlock;
import java.util.function.Function;

/**
 * NVIDIA's StyleGAN2-ADA networks as differentiable NDArray functions, by walking a {@link LayerPlan}: the DJL twin of
 * the ONNX lowering, in the same float32 arithmetic (unfused modulated convolution, which batches).
 */
final class StyleGanOps {
  private static final Shape ONE = new Shape(1, 1);
  private static final Shape NO_PADDING = new Shape(0, 0);
  /** Kernel rows (or columns) of the even and the odd output phase of a stride-2 transposed 3×3 convolution. */
  private static final int[][] PHASE_TAPS = {{2, 0}, {1}};

  private StyleGanOps() {}

  /** The mapping network before broadcast and truncation: z (and labels c, or null) to w {@code [N, w_dim]}. */
  static NDArray mapping(Weights weights, LayerPlan plan, NDArray z, NDArray c) {
    NDArray x = null;
    if (plan.config().zDim() > 0) {
      x = normalize2ndMoment(z);
    }
    if (plan.embed().isPresent()) {
      NDArray y = normalize2ndMoment(dense(weights, plan.embed().get(), c));
      x = x == null ? y : x.concat(y, 1);
    }
    for (DenseLayer layer : plan.mapping()) {
      x = dense(weights, layer, x);
    }
    return x;
  }

  /** The truncation trick on ws {@code [N, num_ws, w_dim]}: NVIDIA's {@code w_avg.lerp(ws[:, :cutoff], psi)}. */
  static NDArray truncate(NDArray ws, NDArray wAvg, Truncation truncation) {
    int numWs = Math.toIntExact(ws.getShape().get(1));
    int cutoff = truncation.truncatedWs(numWs);
    if (truncation.psi() == 1.0 || cutoff == 0) {
      return ws;
    }
    if (cutoff == numWs) {
      return lerp(wAvg, ws, (float) truncation.psi());
    }
    return lerp(wAvg, ws.get(":, :{}", cutoff), (float) truncation.psi()).concat(ws.get(":, {}:", cutoff), 1);
  }

  /** {@code torch.lerp(start, end, weight)}, with PyTorch's choice of formula for numerical symmetry. */
  static NDArray lerp(NDArray start, NDArray end, float weight) {
    NDArray diff = end.sub(start);
    return Math.abs(weight) < 0.5f
        ? start.add(diff.mul(Scalars.of(diff, weight)))
        : end.sub(diff.mul(Scalars.of(diff, 1 - weight)));
  }

  /**
   * One synthesis block: features {@code x} and RGB skip image {@code img} from the block below (null for b4), all ws
   * {@code [N, num_ws, w_dim]}, and the noise each conv adds (null for none). Returns the new x and img.
   */
  static NDList block(
      Weights weights,
      SynthesisBlock block,
      NDArray x,
      NDArray img,
      NDArray ws,
      Function<ModulatedConv, NDArray> noise) {
    if (block.isFirst()) {
      long n = ws.getShape().get(0);
      x = weights.get(block.constant()).expandDims(0).tile(new long[] {n, 1, 1, 1});
    }
    for (ModulatedConv layer : block.convs()) {
      x = modulatedConv(weights, layer, x, w(ws, layer), layer.noise() ? noise.apply(layer) : null);
    }
    NDArray y = modulatedConv(weights, block.torgb(), x, w(ws, block.torgb()), null);
    if (img != null) {
      y = upsample2d(img, weights.get(block.name() + ".resample_filter")).add(y);
    }
    return new NDList(x, y);
  }

  /** The w a layer reads: {@code ws[:, wIndex]}. */
  private static NDArray w(NDArray ws, ModulatedConv layer) {
    return ws.get(":, {}", layer.wIndex());
  }

  /** {@code x · rsqrt(mean(x², dim=1) + 1e-8)}. */
  private static NDArray normalize2ndMoment(NDArray x) {
    NDArray meanSquare = x.square().mean(new int[] {1}, true);
    return x.mul(meanSquare.add(Scalars.of(x, 1e-8)).pow(Scalars.of(x, -0.5)));
  }

  /** NVIDIA's FullyConnectedLayer: {@code act(x·(W·g)ᵀ + b·bias_gain)}. */
  private static NDArray dense(Weights weights, DenseLayer layer, NDArray x) {
    NDArray weight = weights.get(layer.weight());
    weight = weight.mul(Scalars.of(weight, layer.weightGain()));
    NDArray bias = weights.get(layer.bias());
    if (layer.biasGain() != 1.0) {
      bias = bias.mul(Scalars.of(bias, layer.biasGain()));
    }
    if (layer.activation() == Activation.LINEAR) {
      return Linear.linear(x, weight, bias).singletonOrThrow();
    }
    return activate(x.matMul(weight.transpose()).add(bias), layer.activation());
  }

  private static NDArray activate(NDArray x, Activation activation) {
    if (activation == Activation.LINEAR) {
      return x;
    }
    NDArray y = ai.djl.nn.Activation.leakyRelu(x, (float) Activation.LRELU_ALPHA);
    return y.mul(Scalars.of(y, activation.gain()));
  }

  /** NVIDIA's {@code modulated_conv2d} (unfused), then noise and {@code bias_act}: see {@link ModulatedConv}. */
  private static NDArray modulatedConv(Weights weights, ModulatedConv layer, NDArray x, NDArray w, NDArray noise) {
    NDArray weight = weights.get(layer.weight());
    NDArray styles = dense(weights, layer.affine(), w);
    if (layer.styleGain() != 1.0) {
      styles = styles.mul(Scalars.of(styles, layer.styleGain()));
    }
    NDArray y = x.mul(styles.expandDims(2).expandDims(3));
    if (layer.up()) {
      // conv_transpose2d(y, Wᵀ, stride 2) and its trailing zero row and column, then upfirdn2d(pad 1, 1, gain 4):
      // the zero column pads the right side, so only one more column is needed there.
      y = firFilter(pad2d(transposedConvStride2(y, weight), 1, 0), weights.get(layer.name() + ".resample_filter"), 4);
    } else {
      y = conv2d(y, weight, layer.kernelSize() / 2, 1);
    }
    if (layer.demodulate()) {
      // rsqrt(Σ_i,k (W·s)²) = rsqrt(s² · Σ_k W²ᵀ) per sample and output channel.
      // Squared L2 norms rather than square-then-sum: their backward is one pass over the kernel, not four.
      NDArray squares = weight.norm(2, new int[] {2, 3}, false).square().transpose();
      NDArray sums = styles.square().matMul(squares);
      NDArray dcoefs = sums.add(Scalars.of(sums, 1e-8)).pow(Scalars.of(sums, -0.5));
      y = y.mul(dcoefs.expandDims(2).expandDims(3));
    }
    if (noise != null) {
      y = y.add(noise.mul(weights.get(layer.noiseStrength())));
    }
    y = activate(y.add(weights.get(layer.bias()).reshape(1, -1, 1, 1)), layer.activation());
    if (layer.clamp().isPresent()) {
      double c = layer.clamp().getAsDouble();
      y = y.clip(-c, c);
    }
    return y;
  }

  /**
   * {@code conv_transpose2d(x, Wᵀ, stride=2)} for a 3×3 kernel, followed by one row and one column of zeros
   * ({@code [N, O, 2H+2, 2W+2]}). DJL's PyTorch engine has no transposed convolution, so this computes its four output
   * phases (even/odd rows × even/odd columns) as small convolutions at the input's resolution — 9 taps per input
   * pixel, as the transposed convolution itself — and interleaves them. Output row 2i takes kernel rows 0 (input i)
   * and 2 (input i−1); row 2i+1 takes kernel row 1 (input i); columns alike.
   */
  private static NDArray transposedConvStride2(NDArray x, NDArray weight) {
    NDList kernels = phaseKernels(weight);
    NDArray[][] phases = new NDArray[2][2];
    for (int dy = 0; dy < 2; dy++) {
      for (int dx = 0; dx < 2; dx++) {
        // Even phases read input i−1 and i (pad one before and after); odd phases read input i (pad one after).
        Shape pad = new Shape(dx == 0 ? 1 : 0, 1, dy == 0 ? 1 : 0, 1);
        phases[dy][dx] = conv2d(x.pad(pad, 0), kernels.get(2 * dy + dx), 0, 1);
      }
    }
    long[] s = phases[0][0].getShape().getShape();
    NDArray even = phases[0][0].expandDims(4).concat(phases[0][1].expandDims(4), 4);
    NDArray odd = phases[1][0].expandDims(4).concat(phases[1][1].expandDims(4), 4);
    return even.expandDims(3).concat(odd.expandDims(3), 3).reshape(s[0], s[1], 2 * s[2], 2 * s[3]);
  }

  /**
   * The four phase kernels of a {@code [O, I, 3, 3]} kernel, even/even ({@code [O, I, 2, 2]}), even/odd, odd/even
   * and odd/odd ({@code [O, I, 1, 1]}): its nine taps reordered by one product with a permutation matrix and split.
   * Exact; the gradient is one matrix product and one concatenation, where slices would each answer with a
   * zero-filled copy of the whole kernel.
   */
  private static NDList phaseKernels(NDArray weight) {
    long[] s = weight.getShape().getShape();
    float[] permutation = new float[81];
    long[] splits = new long[3];
    int column = 0;
    for (int dy = 0; dy < 2; dy++) {
      for (int dx = 0; dx < 2; dx++) {
        for (int ky : PHASE_TAPS[dy]) {
          for (int kx : PHASE_TAPS[dx]) {
            permutation[(ky * 3 + kx) * 9 + column++] = 1;
          }
        }
        if (column < 9) {
          splits[2 * dy + dx] = column;
        }
      }
    }
    NDArray perm = DjlTensors.toNDArray(weight.getManager(), Tensor.of(permutation, 9, 9));
    NDList parts = weight.reshape(s[0], s[1], 9).matMul(perm).split(splits, 2);
    NDList kernels = new NDList(4);
    for (int dy = 0; dy < 2; dy++) {
      for (int dx = 0; dx < 2; dx++) {
        kernels.add(parts.get(2 * dy + dx).reshape(s[0], s[1], PHASE_TAPS[dy].length, PHASE_TAPS[dx].length));
      }
    }
    return kernels;
  }

  /** NVIDIA's {@code upsample2d}: {@code upfirdn2d(x, f, up=2, pad=(2, 1), gain=4)}. */
  private static NDArray upsample2d(NDArray x, NDArray filter) {
    return firFilter(upsampleZeros(x), filter, 4);
  }

  /** The resampling half of {@code upfirdn2d(up=2, pad=(2, 1))}: a zero after every sample, then padding. */
  private static NDArray upsampleZeros(NDArray x) {
    long[] s = x.getShape().getShape();
    NDArray spread = x.reshape(s[0], s[1], s[2], 1, s[3], 1).pad(new Shape(0, 1, 0, 0, 0, 1), 0);
    return pad2d(spread.reshape(s[0], s[1], 2 * s[2], 2 * s[3]), 2, 1);
  }

  /**
   * The FIR filter {@code f·gain} over the last two axes, no padding (a true convolution: the taps are flipped), as a
   * depthwise convolution. (Shifted slices would do the same arithmetic, but autograd answers every slice with a
   * zero-filled copy of its input: that made the backward pass several times slower than the convolutions.)
   */
  private static NDArray firFilter(NDArray x, NDArray filter, float gain) {
    long channels = x.getShape().get(1);
    long k = filter.getShape().get(0);
    NDArray kernel =
        filter.flip(0, 1).mul(Scalars.of(filter, gain)).reshape(1, 1, k, k).tile(new long[] {channels, 1, 1, 1});
    return conv2d(x, kernel, 0, Math.toIntExact(channels));
  }

  private static NDArray conv2d(NDArray x, NDArray kernel, int padding, int groups) {
    Shape pad = padding == 0 ? NO_PADDING : new Shape(padding, padding);
    return Conv2d.conv2d(x, kernel, null, ONE, pad, ONE, groups).singletonOrThrow();
  }

  /** Zero padding of the last two axes: {@code before} rows/columns in front, {@code after} behind. */
  private static NDArray pad2d(NDArray x, int before, int after) {
    return x.pad(new Shape(before, after, before, after), 0);
  }
}
