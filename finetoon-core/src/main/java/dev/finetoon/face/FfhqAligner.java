package dev.finetoon.face;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.image.Lanczos;
import dev.finetoon.image.RgbImage;

/**
 * Crops and rotates a face the way the FFHQ training faces were made ({@code recreate_aligned_images} in NVIDIA's
 * {@code ffhq-dataset}, the {@code align_face} that toonification projects use): eyes level, at fixed positions, the
 * face filling the same share of the square. A projector inverts such a crop far better than a plain centre crop.
 *
 * <p>The recipe, step by step: an oriented square from the eyes and mouth ({@code x} along the eyes, tilted by the
 * eye-to-mouth direction, half-side {@code max(2·|eye_to_eye|, 1.8·|eye_to_mouth|)}, centred a tenth of the way from
 * the eyes to the mouth); a Lanczos shrink of the photo by {@code floor(qsize / output / 2)} when that is 2 or more; a
 * crop to the square plus a border of {@code 0.1·qsize}; where the square reaches past the photo, reflect padding
 * blurred and faded to the median colour; a bilinear quad transform to {@code transformSize} pixels; a Lanczos resize
 * to {@code outputSize}. FFHQ used 4096 → 1024; {@link #of(int)} keeps that 4× supersampling. The result matches the
 * recipe run with current Pillow, numpy and SciPy byte for byte.
 *
 * <p>Cost: the padding's blur is as wide as the recipe makes it (σ = 0.02·qsize); for a selfie whose face fills a
 * 12-megapixel photo that is about 15 s on two cores (SciPy takes twice that on one), spread over all cores.
 *
 * <p>Without landmarks there is nothing to align on: callers fall back to {@link dev.finetoon.image.CenterCrop}.
 *
 * <pre>{@code
 * FaceLandmarks face = GivenLandmarks.read(Path.of("me.json")).locate(photo).orElseThrow();
 * RgbImage aligned = FfhqAligner.of(1024).align(photo, face);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class FfhqAligner {
  private final int outputSize;
  private final int transformSize;

  private FfhqAligner(int outputSize, int transformSize) {
    this.outputSize = outputSize;
    this.transformSize = transformSize;
  }

  /** An aligner to {@code outputSize} pixels, transforming at 4× that size as FFHQ did (4096 for 1024). */
  public static FfhqAligner of(int outputSize) {
    checkArgument(outputSize > 0 && outputSize <= 4096, "output size must be in 1..4096, got %s", outputSize);
    return of(outputSize, outputSize * 4);
  }

  /** An aligner to {@code outputSize} pixels through a quad transform at {@code transformSize} (at least as large). */
  public static FfhqAligner of(int outputSize, int transformSize) {
    checkArgument(outputSize > 0, "output size must be positive, got %s", outputSize);
    checkArgument(
        transformSize >= outputSize && transformSize <= 16384,
        "transform size must be in %s..16384, got %s", outputSize, transformSize);
    return new FfhqAligner(outputSize, transformSize);
  }

  public int outputSize() {
    return outputSize;
  }

  /** The face of {@code photo} at {@code face}, aligned to an {@code outputSize²} square. */
  public RgbImage align(RgbImage photo, FaceLandmarks face) {
    FaceQuad quad = FaceQuad.of(face);
    checkArgument(
        quad.size() >= 4, "the face is too small to align: its square would be %s px (%s)", quad.size(), face);
    RgbImage img = photo;

    int shrink = (int) Math.floor(quad.size() / outputSize * 0.5);
    if (shrink > 1) {
      int width = (int) Math.rint((double) img.width() / shrink);
      int height = (int) Math.rint((double) img.height() / shrink);
      checkArgument(width > 0 && height > 0, "the face is far larger than the photo: its square would be %s px in a"
          + " %sx%s photo (%s)", Math.round(quad.size()), photo.width(), photo.height(), face);
      img = Lanczos.resize(img, width, height);
      quad = quad.shrunk(shrink);
    }

    int border = Math.max((int) Math.rint(quad.size() * 0.1), 3);
    int[] box = quad.bounds();
    int left = Math.max(box[0] - border, 0);
    int top = Math.max(box[1] - border, 0);
    int right = Math.min(box[2] + border, img.width());
    int bottom = Math.min(box[3] + border, img.height());
    checkArgument(
        left < right && top < bottom,
        "the face at %s lies outside the %sx%s photo", face, photo.width(), photo.height());
    if (right - left < img.width() || bottom - top < img.height()) {
      img = img.crop(left, top, right, bottom);
      quad = quad.shifted(-left, -top);
    }

    box = quad.bounds();
    int[] pad = {
      Math.max(-box[0] + border, 0),
      Math.max(-box[1] + border, 0),
      Math.max(box[2] - img.width() + border, 0),
      Math.max(box[3] - img.height() + border, 0)
    };
    if (Math.max(Math.max(pad[0], pad[1]), Math.max(pad[2], pad[3])) > border - 4) {
      int least = (int) Math.rint(quad.size() * 0.3);
      for (int i = 0; i < 4; i++) {
        pad[i] = Math.max(pad[i], least);
      }
      img = BlurredPadding.pad(img, pad[0], pad[1], pad[2], pad[3], quad.size());
      quad = quad.shifted(pad[0], pad[1]);
    }

    // (quad + 0.5): landmarks count pixel centres from 0, PIL's transform from the pixel's edge
    img = QuadWarp.warp(img, quad.shifted(0.5, 0.5).corners(), transformSize);
    return outputSize < transformSize ? Lanczos.resize(img, outputSize, outputSize) : img;
  }
}
