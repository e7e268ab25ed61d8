package dev.finetoon.image;

/**
 * Resizes an image exactly as PIL's {@code Image.resize(size, Image.LANCZOS)} does, byte for byte (see {@link
 * PilResample}): NVIDIA's projector and the FFHQ alignment resize with it.
 *
 * <pre>{@code
 * RgbImage small = Lanczos.resize(photo, 256, 256);
 * }</pre>
 */
public final class Lanczos {
  private Lanczos() {}

  /** {@code image} resized to {@code width × height}; the image itself where the size is unchanged. */
  public static RgbImage resize(RgbImage image, int width, int height) {
    return PilResample.resize(image, width, height, PilResample.Filter.LANCZOS);
  }
}
