package dev.finetoon.cli;

import dev.finetoon.Generator;
import dev.finetoon.Noise;
import dev.finetoon.Tensor;
import dev.finetoon.image.Images;
import dev.finetoon.io.AtomicFiles;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * NVIDIA's {@code proj.mp4} as an animated GIF (Java has no video encoder): the target beside the rendering of the w
 * of every {@value #STRIDE}th step and of the last, const noise.
 */
final class ProjectionVideo {
  /** Steps between frames. */
  static final int STRIDE = 10;

  private static final int BATCH = 8;
  private static final int DELAY_CENTISECONDS = 10;

  private ProjectionVideo() {}

  /** The steps that become frames: 0, 10, 20, … and the last. */
  static List<Integer> frameSteps(int steps) {
    List<Integer> out = new ArrayList<>();
    for (int step = 0; step < steps; step += STRIDE) {
      out.add(step);
    }
    if (out.get(out.size() - 1) != steps - 1) {
      out.add(steps - 1);
    }
    return out;
  }

  /** Writes the GIF atomically; {@code wPerStep} holds the {@code [w_dim]} w of every step. */
  static int write(Path file, BufferedImage target, List<Tensor> wPerStep, Generator generator) throws IOException {
    List<Integer> steps = frameSteps(wPerStep.size());
    int numWs = generator.config().numWs();
    AtomicFiles.write(file, out -> {
      try (AnimatedGif gif = AnimatedGif.start(out, DELAY_CENTISECONDS)) {
        for (int from = 0; from < steps.size(); from += BATCH) {
          List<Integer> batch = steps.subList(from, Math.min(steps.size(), from + BATCH));
          Tensor ws = Tensor.concat(batch.stream().map(s -> repeated(wPerStep.get(s), numWs)).toArray(Tensor[]::new));
          for (BufferedImage rendering : Images.toImages(generator.synthesis(ws, Noise.CONST))) {
            gif.add(sideBySide(target, rendering));
          }
        }
      }
    });
    return steps.size();
  }

  /** {@code w [w_dim]} as ws {@code [1, num_ws, w_dim]}. */
  private static Tensor repeated(Tensor w, int numWs) {
    float[] one = w.toArray();
    float[] all = new float[numWs * one.length];
    for (int i = 0; i < numWs; i++) {
      System.arraycopy(one, 0, all, i * one.length, one.length);
    }
    return Tensor.adopt(all, 1, numWs, one.length);
  }

  private static BufferedImage sideBySide(BufferedImage left, BufferedImage right) {
    BufferedImage frame =
        new BufferedImage(left.getWidth() + right.getWidth(), left.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    try {
      g.drawImage(left, 0, 0, null);
      g.drawImage(right, left.getWidth(), 0, null);
    } finally {
      g.dispose();
    }
    return frame;
  }
}
