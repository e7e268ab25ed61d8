package dev.finetoon.image;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.Tensor;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * An immutable 8-bit RGB image: what PIL calls an {@code RGB} image, the unit that photo reading, resizing and face
 * alignment work on. Samples are stored row by row, each pixel as three bytes R, G, B (numpy's {@code [H, W, 3]}
 * uint8 layout).
 *
 * <pre>{@code
 * RgbImage photo = PhotoReader.defaults().read(Path.of("me.jpg"));
 * RgbImage target = CenterCrop.resized(photo, 1024);
 * Tensor forProjector = target.toTensor(); // [1, 3, 1024, 1024], 0..255
 * }</pre>
 */
public final class RgbImage {
  private final int width;
  private final int height;
  private final byte[] rgb;

  private RgbImage(int width, int height, byte[] rgb) {
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /** An image over a copy of {@code rgb}: {@code height * width * 3} bytes, row-major, R G B per pixel. */
  public static RgbImage of(int width, int height, byte[] rgb) {
    return wrap(width, height, rgb.clone());
  }

  /** The image's colours as PIL's {@code convert('RGB')} gives them; see {@link PhotoReader} for the rules. */
  public static RgbImage from(BufferedImage image) {
    return RgbConversion.toRgb(image);
  }

  /** An image that takes ownership of {@code rgb} (no copy), for code in this package that fills a fresh array. */
  static RgbImage wrap(int width, int height, byte[] rgb) {
    checkArgument(width > 0 && height > 0, "image size must be positive, got %sx%s", width, height);
    checkArgument(
        (long) width * height * 3 == rgb.length, "%sx%s RGB needs %s bytes, got %s", width, height,
        (long) width * height * 3, rgb.length);
    return new RgbImage(width, height, rgb);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Sample {@code channel} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
  public int get(int x, int y, int channel) {
    checkArgument(
        x >= 0 && x < width && y >= 0 && y < height && channel >= 0 && channel < 3,
        "(%s, %s, %s) is outside a %sx%s RGB image", x, y, channel, width, height);
    return rgb[(y * width + x) * 3 + channel] & 0xFF;
  }

  /** A copy of the samples, {@code [H, W, 3]} in C order. */
  public byte[] toBytes() {
    return rgb.clone();
  }

  /** The samples without a copy, for code in this package that only reads them. */
  byte[] bytes() {
    return rgb;
  }

  /** The pixels of the box {@code [left, right) × [top, bottom)}, which must lie inside the image (PIL's crop box). */
  public RgbImage crop(int left, int top, int right, int bottom) {
    checkArgument(
        0 <= left && left < right && right <= width && 0 <= top && top < bottom && bottom <= height,
        "crop box (%s, %s, %s, %s) is empty or outside a %sx%s image", left, top, right, bottom, width, height);
    int w = right - left;
    int h = bottom - top;
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * w * 3, w * 3);
    }
    return new RgbImage(w, h, out);
  }

  /**
   * The samples as a {@code [1, 3, H, W]} tensor of values 0–255: the projector's target, as NVIDIA's
   * {@code projector.py} builds it ({@code torch.tensor(target_uint8.transpose([2, 0, 1]))}, then float).
   */
  public Tensor toTensor() {
    int plane = width * height;
    float[] values = new float[3 * plane];
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        values[c * plane + p] = rgb[p * 3 + c] & 0xFF;
      }
    }
    return Tensor.adopt(values, 1, 3, height, width);
  }

  /** A {@link BufferedImage#TYPE_INT_RGB} copy. */
  public BufferedImage toBufferedImage() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] samples = new int[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      samples[i] = rgb[i] & 0xFF;
    }
    image.getRaster().setPixels(0, 0, width, height, samples);
    return image;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RgbImage other
        && width == other.width
        && height == other.height
        && Arrays.equals(rgb, other.rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
