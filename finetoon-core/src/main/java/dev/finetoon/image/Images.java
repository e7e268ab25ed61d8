package dev.finetoon.image;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Tensor;
import dev.finetoon.io.AtomicFiles;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Converts between generator tensors and 8-bit images, and writes PNG files.
 *
 * <p>Generator output {@code [N, C, H, W]} (nominal range [-1, 1], C = 3 for RGB or 1 for grey) becomes bytes exactly
 * as NVIDIA's {@code generate.py} does it: {@code (img * 127.5 + 128).clamp(0, 255).to(torch.uint8)}, in float32
 * arithmetic, the cast truncating toward zero. So -1 → 0, 0 → 128, 0.5 → 191, 1 → 255. NaN, which PyTorch's cast
 * leaves undefined, becomes 0.
 *
 * <pre>{@code
 * List<BufferedImage> images = Images.toImages(generatorOutput);
 * Images.writePng(images.get(0), Path.of("out/seed0042.png"));
 * }</pre>
 */
public final class Images {
  private Images() {}

  /**
   * One image per sample of an {@code [N, C, H, W]} tensor: {@link BufferedImage#TYPE_INT_RGB} for C = 3, {@link
   * BufferedImage#TYPE_BYTE_GRAY} for C = 1. Read grey values from the raster ({@code getRaster().getSample(x, y,
   * 0)}): {@code getRGB} on a grey image applies a colour-space conversion.
   */
  public static List<BufferedImage> toImages(Tensor nchw) {
    byte[] nhwc = toRgb8(nchw);
    int n = nchw.dim(0);
    int c = nchw.dim(1);
    int h = nchw.dim(2);
    int w = nchw.dim(3);
    int type = c == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY;
    List<BufferedImage> images = new ArrayList<>(n);
    int[] samples = new int[h * w * c];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < samples.length; j++) {
        samples[j] = nhwc[i * samples.length + j] & 0xFF;
      }
      BufferedImage image = new BufferedImage(w, h, type);
      image.getRaster().setPixels(0, 0, w, h, samples);
      images.add(image);
    }
    return images;
  }

  /** The {@code [N, H, W, C]} uint8 bytes of an {@code [N, C, H, W]} tensor (C = 3 or 1), converted as above. */
  public static byte[] toRgb8(Tensor nchw) {
    checkShape(nchw);
    int n = nchw.dim(0);
    int c = nchw.dim(1);
    int h = nchw.dim(2);
    int w = nchw.dim(3);
    FloatBuffer values = nchw.buffer();
    byte[] out = new byte[nchw.size()];
    int at = 0;
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int ch = 0; ch < c; ch++) {
            out[at++] = (byte) toUint8(values.get(((i * c + ch) * h + y) * w + x));
          }
        }
      }
    }
    return out;
  }

  /**
   * A {@code [1, 3, H, W]} tensor of an image's sRGB colours (alpha ignored), each 8-bit value {@code v} becoming
   * {@code v / 127.5 - 1} in float32: 0 → -1, 255 → 1. {@link #toImages} maps these values back to the same bytes.
   */
  public static Tensor fromImage(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] values = new float[3 * h * w];
    int plane = h * w;
    for (int p = 0; p < plane; p++) {
      values[p] = (argb[p] >> 16 & 0xFF) / 127.5f - 1f;
      values[plane + p] = (argb[p] >> 8 & 0xFF) / 127.5f - 1f;
      values[2 * plane + p] = (argb[p] & 0xFF) / 127.5f - 1f;
    }
    return Tensor.adopt(values, 1, 3, h, w);
  }

  /** Writes a PNG atomically (temporary file, then move), creating parent directories. */
  public static void writePng(BufferedImage image, Path target) throws IOException {
    write(image, "png", target);
  }

  /** Writes a JPEG (ImageIO's default quality) atomically, creating parent directories; alpha is dropped. */
  public static void writeJpeg(BufferedImage image, Path target) throws IOException {
    BufferedImage rgb = image;
    if (image.getType() != BufferedImage.TYPE_INT_RGB) {
      rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = rgb.createGraphics();
      g.drawImage(image, 0, 0, null);
      g.dispose();
    }
    write(rgb, "jpeg", target);
  }

  private static void write(BufferedImage image, String format, Path target) throws IOException {
    AtomicFiles.write(
        target,
        out -> {
          if (!ImageIO.write(image, format, out)) {
            throw new IOException("no " + format.toUpperCase(Locale.ROOT) + " writer for image type "
                + image.getType() + ": " + target);
          }
        });
  }

  private static int toUint8(float value) {
    float scaled = value * 127.5f + 128f;
    if (!(scaled > 0f)) {
      return 0;
    }
    return scaled >= 255f ? 255 : (int) scaled;
  }

  private static void checkShape(Tensor nchw) {
    checkArgument(nchw.rank() == 4, "expected an image tensor [N, C, H, W], got %s", nchw);
    checkArgument(
        nchw.dim(1) == 3 || nchw.dim(1) == 1, "expected 3 (RGB) or 1 (grey) channels in [N, C, H, W], got %s", nchw);
    checkArgument(nchw.dim(2) > 0 && nchw.dim(3) > 0, "expected a non-empty image size in [N, C, H, W], got %s", nchw);
  }
}
