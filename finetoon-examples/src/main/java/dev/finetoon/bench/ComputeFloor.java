package dev.finetoon.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import dev.finetoon.model.DenseLayer;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.util.Optional;

/**
 * The arithmetic a bench step needs and the fastest this machine does it: multiply-accumulates (MACs) counted from
 * the networks' shapes, and the best rate of a large convolution on DJL's PyTorch engine, measured in the same run.
 * MACs over that rate is a step time that the same arithmetic (direct float32 convolutions, as NVIDIA's code and
 * finetoon's both do) cannot beat on this machine: every step is such convolutions plus work that runs slower
 * (element-wise passes, FIR filters, pooling, autograd's bookkeeping).
 *
 * <pre>{@code
 * double macs = 5 * ComputeFloor.generatorMacs(model) + 4 * ComputeFloor.blockMacs(encoder);
 * double bestStepsPerSecond = ComputeFloor.convolutionMacsPerSecond() / macs;
 * }</pre>
 */
final class ComputeFloor {
  private static final int[][] PROBES = {{512, 512, 32}, {256, 256, 64}, {128, 128, 128}};
  /** Repeats per probe: about a second each, so that one slow moment of a shared machine does not decide. */
  private static final int REPEATS = 30;

  private ComputeFloor() {}

  /** MACs of one image through G (mapping, affines, modulated and FIR convolutions), forward. */
  static double generatorMacs(StyleGanModel model) {
    double macs = 0;
    for (DenseLayer layer : model.plan().mapping()) {
      macs += (double) layer.inFeatures() * layer.outFeatures();
    }
    for (SynthesisBlock block : model.plan().blocks()) {
      for (ModulatedConv layer : block.layers()) {
        double r = layer.resolution();
        double taps = (double) layer.inChannels() * layer.outChannels() * layer.kernelSize() * layer.kernelSize();
        // A transposed stride-2 convolution touches each input pixel (a quarter of the outputs) once per tap; its FIR
        // filter is 4×4 per output channel and pixel.
        macs += layer.up() ? taps * r * r / 4 + 16.0 * layer.outChannels() * r * r : taps * r * r;
        macs += (double) layer.affine().inFeatures() * layer.affine().outFeatures();
      }
    }
    return macs;
  }

  /** MACs of one input through an initialised DJL block's convolutions and linear layers, forward. */
  static double blockMacs(Block block) {
    double macs = 0;
    if (block instanceof Convolution conv) {
      Shape in = conv.getInputShapes()[0];
      Shape out = conv.getOutputShapes(conv.getInputShapes())[0];
      Shape kernel = conv.getKernelShape();
      double pixelsPerInput = (double) out.size() / out.get(0) / out.get(1);
      macs += (double) conv.getFilters() * in.get(1) / conv.getGroups() * kernel.size() * pixelsPerInput;
    } else if (block instanceof Linear linear) {
      Shape in = linear.getInputShapes()[0];
      macs += (double) in.get(in.dimension() - 1) * linear.getOutputShapes(linear.getInputShapes())[0].tail();
    }
    for (Block child : block.getChildren().values()) {
      macs += blockMacs(child);
    }
    return macs;
  }

  /**
   * Prints the step's arithmetic at the machine's best convolution rate (the ceiling), how much of it the measured rate
   * reached, and how much of it the target needs.
   */
  static void printCeiling(double macsPerStep, double peakMacsPerSecond, double measured, Optional<Double> target) {
    double ceiling = peakMacsPerSecond / macsPerStep;
    System.out.printf("%-12s %-20s %-16s %-18s %-16s %s%n",
        "GMAC/step", "best conv GMAC/s", "ceiling steps/s", "measured/ceiling", "target steps/s", "target/ceiling");
    System.out.printf("%-12.1f %-20.1f %-16.3f %-18s %-16s %s%n", macsPerStep / 1e9, peakMacsPerSecond / 1e9,
        ceiling, String.format("%.0f%%", 100 * measured / ceiling),
        target.map(t -> String.format("%.3f", t)).orElse("-"),
        target.map(t -> String.format("%.0f%%", 100 * t / ceiling)).orElse("-"));
  }

  /** The best MACs per second of 3×3 convolutions with the generator's shapes (batch 1), forward. */
  static double convolutionMacsPerSecond() {
    double best = 0;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (int[] probe : PROBES) {
        int channels = probe[0];
        int size = probe[2];
        NDArray x = manager.randomNormal(new Shape(1, channels, size, size));
        NDArray w = manager.randomNormal(new Shape(probe[1], channels, 3, 3));
        double macs = (double) channels * probe[1] * 9 * size * size;
        for (int i = 0; i < REPEATS; i++) {
          try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(x, w);
            long start = System.nanoTime();
            Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1);
            best = Math.max(best, macs / ((System.nanoTime() - start) / 1e9));
          }
        }
      }
    }
    return best;
  }
}
