package dev.finetoon.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.finetoon.Device;
import dev.finetoon.LayerBlender;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.train.BlockFaceEncoder;
import dev.finetoon.finetune.FineTuneListener;
import dev.finetoon.finetune.FineTuneOptions;
import dev.finetoon.TripletFineTuner;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;

/**
 * Times the triplet fine-tune on full-size random-weight 256² generators ({@link GeneratorBench#ffhq256()}): anchor =
 * one model with another's blocks 64, 128 and 256, negative = with blocks 32 to 256, positive = the first, and a
 * ResNet-50-shaped encoder ({@link ResNet50StandIn}) on the 256² images, with the notebook's settings (batch 1, random
 * noise, Adam over every generator parameter). Prints steps/s after a warm-up step, the ratio to the 0.47 steps/s of
 * the notebook's PyTorch loop on NVIDIA's code, the fastest step and the process's CPU seconds per step (both less
 * sensitive than steps/s to other processes on the machine), and peak resident memory. Then the highest rate the same
 * arithmetic allows ({@link ComputeFloor}): the step's multiply-accumulates at the best rate of this machine's
 * convolutions, measured in the same run before the timed steps, beside the 1.5× NVIDIA target.
 *
 * <pre>
 * java -cp finetoon-examples/target/finetoon.jar dev.finetoon.bench.FineTuneBench [seconds]
 * </pre>
 *
 * <p>On a machine where other processes compete for the cores, PyTorch's OpenMP threads spin-wait and steps take many
 * times longer; run with {@code OMP_WAIT_POLICY=PASSIVE} in the environment there.
 */
public final class FineTuneBench {
  private static final double NVIDIA_STEPS_PER_SECOND = 0.47;
  private static final int EMBEDDING = 512;

  private FineTuneBench() {}

  public static void main(String[] args) throws IOException {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
    StyleGanModel human = RandomModels.create(GeneratorBench.ffhq256(), 1);
    StyleGanModel toon = RandomModels.create(GeneratorBench.ffhq256(), 2);
    StyleGanModel anchor = LayerBlender.swap(human, toon, 64, 128, 256);
    System.out.printf("model: random-weight 256² StyleGAN2-ADA, encoder: ResNet-50-shaped, %d-d; %d cores, %.0f s%n",
        EMBEDDING, Runtime.getRuntime().availableProcessors(), seconds);
    double convolutionRate = ComputeFloor.convolutionMacsPerSecond();
    Block encoderBlock = ResNet50StandIn.create(EMBEDDING);
    try (BlockFaceEncoder encoder = BlockFaceEncoder.create(encoderBlock, new Shape(1, 3, 256, 256));
        TripletFineTuner tuner = TripletFineTuner.builder().base(human).donor(toon).blocks(64, 128, 256)
            .encoder(encoder).device(Device.cpu()).build()) {
      Timer timer = new Timer(seconds);
      tuner.run(timer);
      double rate = timer.stepsPerSecond();
      System.out.printf("%-10s %-16s %-8s %-16s %-12s %-14s %s%n",
          "steps/s", "NVIDIA steps/s", "ratio", "fastest step s", "CPU s/step", "peak RSS MiB", "last loss");
      System.out.printf("%-10.3f %-16.2f %-8s %-16.1f %-12.1f %-14d %.4f%n", rate, NVIDIA_STEPS_PER_SECOND,
          String.format("%.2fx", rate / NVIDIA_STEPS_PER_SECOND), timer.fastest / 1e9, timer.cpuSecondsPerStep(),
          PeakMemory.peakMiB(), timer.lastLoss);
      // Per step: the anchor forward and its backward (input and weight gradients, two forwards' worth), the positive
      // and the negative forward; the encoder on three images and the anchor's backward to its input.
      double macs = 5 * ComputeFloor.generatorMacs(anchor) + 4 * ComputeFloor.blockMacs(encoderBlock);
      ComputeFloor.printCeiling(macs, convolutionRate, rate, 1.5 * NVIDIA_STEPS_PER_SECOND);
    }
  }

  /** Times the steps after the first and stops the run once {@code seconds} have passed. */
  private static final class Timer implements FineTuneListener {
    private final double seconds;
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long start;
    private long last;
    private long cpuStart;
    private long cpuLast;
    private int timed;
    private long fastest = Long.MAX_VALUE;
    private double lastLoss;

    Timer(double seconds) {
      this.seconds = seconds;
    }

    @Override
    public boolean onStep(Step step) {
      long now = System.nanoTime();
      fastest = step.step() == 0 ? fastest : Math.min(fastest, now - last);
      last = now;
      cpuLast = os.getProcessCpuTime();
      lastLoss = step.loss();
      if (step.step() == 0) {
        start = last;
        cpuStart = cpuLast;
        System.out.println("warm-up step done");
        return true;
      }
      timed++;
      System.out.printf("step %d: %.1f s so far%n", step.step() + 1, (last - start) / 1e9);
      return last - start <= seconds * 1e9;
    }

    double stepsPerSecond() {
      return timed / ((last - start) / 1e9);
    }

    double cpuSecondsPerStep() {
      return (cpuLast - cpuStart) / 1e9 / timed;
    }
  }
}
