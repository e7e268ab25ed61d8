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
import dev.finetoon.train.PyTorchThreads;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Times the triplet fine-tune on full-size random-weight 256² generators ({@link GeneratorBench#ffhq256()}): anchor =
 * one model with another's blocks 64, 128 and 256, negative = with blocks 32 to 256, positive = the first, and a
 * ResNet-50-shaped encoder ({@link ResNet50StandIn}) on the 256² images, with the notebook's settings (batch 1, random
 * noise, Adam over every generator parameter). Alternates with NVIDIA's triplet step timed in the same run
 * ({@link NvidiaBaseline}, where set up: {@code -Dnvidia.sg2ada=DIR -Dnvidia.pkl=paper256.pkl}), first on the
 * machine as it is, then with two CPU-bound competing processes
 * ({@link Competitors}, the same for both); prints steps/s after a warm-up step as medians with min–max and the ratio,
 * the process's CPU seconds per step, and peak resident memory. Then the highest rate the same arithmetic allows
 * ({@link ComputeFloor}) beside the 1.5× NVIDIA target.
 *
 * <pre>
 * java [-Dnvidia.sg2ada=/tmp/sg2ada -Dnvidia.pkl=/tmp/paper256.pkl] -cp finetoon-examples/target/finetoon.jar \
 *     dev.finetoon.bench.FineTuneBench [seconds per run] [rounds]
 * </pre>
 */
public final class FineTuneBench {
  private static final int EMBEDDING = 512;
  private static final int NVIDIA_STEPS = 6;

  private FineTuneBench() {}

  public static void main(String[] args) throws Exception {
    PyTorchThreads.applyDefaults(); // the compute floor and the encoder use DJL before the fine-tuner does
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int threads = Runtime.getRuntime().availableProcessors();
    StyleGanModel human = RandomModels.create(GeneratorBench.ffhq256(), 1);
    StyleGanModel toon = RandomModels.create(GeneratorBench.ffhq256(), 2);
    StyleGanModel anchor = LayerBlender.swap(human, toon, 64, 128, 256);
    System.out.printf("model: random-weight 256² StyleGAN2-ADA, encoder: ResNet-50-shaped, %d-d; %d cores, %.0f s%n",
        EMBEDDING, threads, seconds);
    double convolutionRate = ComputeFloor.convolutionMacsPerSecond();
    Block encoderBlock = ResNet50StandIn.create(EMBEDDING);
    Optional<SameRun.Measurement> reference = NvidiaBaseline.configured()
        .map(n -> () -> n.step("triplet step", NVIDIA_STEPS, threads).rate());
    try (BlockFaceEncoder encoder = BlockFaceEncoder.create(encoderBlock, new Shape(1, 3, 256, 256));
        TripletFineTuner tuner = TripletFineTuner.builder().base(human).donor(toon).blocks(64, 128, 256)
            .encoder(encoder).options(FineTuneOptions.builder().epochs(20).build()) // rounds resume; never run out
            .device(Device.cpu()).build()) {
      Timer[] last = new Timer[1];
      SameRun.Measurement ours = () -> {
        last[0] = new Timer(seconds);
        tuner.run(last[0]);
        return last[0].stepsPerSecond();
      };
      SameRun.printHeader("steps/s");
      SameRun idle = SameRun.alternate(rounds, ours, reference);
      idle.printRow("as the machine is");
      double cpuSecondsPerStep = last[0].cpuSecondsPerStep();
      try (Competitors busy = Competitors.start(2)) {
        SameRun.alternate(rounds, ours, reference).printRow("2 competing processes");
      }
      System.out.printf("CPU s/step (as the machine is, last run) %.1f, peak RSS %d MiB, last loss %.4f%n",
          cpuSecondsPerStep, PeakMemory.peakMiB(), last[0].lastLoss);
      // Per step: the anchor forward and its backward (input and weight gradients, two forwards' worth), the positive
      // and the negative forward; the encoder on three images and the anchor's backward to its input.
      double macs = 5 * ComputeFloor.generatorMacs(anchor) + 4 * ComputeFloor.blockMacs(encoderBlock);
      ComputeFloor.printCeiling(macs, convolutionRate, idle.oursMedian(), idle.target());
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
    private double lastLoss;

    Timer(double seconds) {
      this.seconds = seconds;
    }

    @Override
    public boolean onStep(Step step) {
      last = System.nanoTime();
      cpuLast = os.getProcessCpuTime();
      lastLoss = step.loss();
      if (start == 0) { // the first step of each run is warm-up
        start = last;
        cpuStart = cpuLast;
        return true;
      }
      timed++;
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
