package dev.finetoon.image;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The largest centred square of a photo, as NVIDIA's {@code projector.py} prepares its target: for a {@code w × h}
 * image and {@code s = min(w, h)}, the box {@code ((w - s) // 2, (h - s) // 2, (w + s) // 2, (h + s) // 2)}, then a
 * {@link Lanczos} resize to the generator's resolution. It is the fallback for photos without face landmarks; a photo
 * whose landmarks are known is better prepared with {@code dev.finetoon.face.FfhqAligner}.
 *
 * <pre>{@code
 * RgbImage target = CenterCrop.resized(PhotoReader.defaults().read(Path.of("me.jpg")), 1024);
 * }</pre>
 */
public final class CenterCrop {
  private CenterCrop() {}

  /** The centred square of {@code image}. */
  public static RgbImage square(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int s = Math.min(w, h);
    return image.crop((w - s) / 2, (h - s) / 2, (w + s) / 2, (h + s) / 2);
  }

  /** The centred square of {@code image}, resized to {@code resolution × resolution} with PIL's Lanczos filter. */
  public static RgbImage resized(RgbImage image, int resolution) {
    checkArgument(resolution > 0, "resolution must be positive, got %s", resolution);
    return Lanczos.resize(square(image), resolution, resolution);
  }
}
