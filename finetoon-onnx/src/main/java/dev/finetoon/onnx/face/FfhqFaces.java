package dev.finetoon.onnx.face;

import dev.finetoon.image.RgbImage;
import java.util.Arrays;

/**
 * How {@code finetoon evaluate} and finetoon-spark's identity distance show face-api.js an image that is already an
 * FFHQ-aligned face (a generator's output, toonify's {@code target.png}): without a detector, the square face-api's
 * own pipeline would crop around the eyes and mouth for its descriptor; with one, the image on a grey margin, since
 * the tiny face detector misses most faces that fill the frame.
 *
 * <pre>{@code
 * float[] descriptor = faceApi.describe(FfhqFaces.descriptorCrop(generated));
 * List<DetectedFace> faces = faceApi.detectAll(FfhqFaces.withMargin(generated));
 * }</pre>
 *
 * <p>The crop's place was measured on face-api's six demo photos: mapped into each face's FFHQ square, face-api's
 * descriptor crop (side = eye-to-mouth distance / 0.45) starts at x 0.143–0.178, y 0.267–0.288 of the side and is
 * 0.636–0.709 of it long (medians 0.161, 0.275, 0.678). Describing the whole FFHQ image instead shrinks the face to
 * a third of the descriptor's input and all distances with it: different people's faces fall under 0.6 (see
 * docs/face-pipeline.md).
 */
public final class FfhqFaces {
  /** Left, top and side of the descriptor crop, as fractions of the image's width (and height). */
  static final double LEFT = 0.16;
  static final double TOP = 0.275;
  static final double SIDE = 0.68;

  private FfhqFaces() {}

  /** The square of an FFHQ-aligned image that face-api would describe. */
  public static RgbImage descriptorCrop(RgbImage aligned) {
    int w = aligned.width();
    int h = aligned.height();
    int left = (int) Math.round(LEFT * w);
    int top = (int) Math.round(TOP * h);
    int right = Math.min(w, left + Math.max(1, (int) Math.round(SIDE * w)));
    int bottom = Math.min(h, top + Math.max(1, (int) Math.round(SIDE * h)));
    return aligned.crop(left, top, right, bottom);
  }

  /** The image in the middle of a mid-grey canvas twice its size, for the detector. */
  public static RgbImage withMargin(RgbImage image) {
    int w = image.width();
    int h = image.height();
    byte[] canvas = new byte[4 * w * h * 3];
    Arrays.fill(canvas, (byte) 128);
    byte[] rows = image.toBytes();
    for (int y = 0; y < h; y++) {
      System.arraycopy(rows, y * w * 3, canvas, ((y + h / 2) * 2 * w + w / 2) * 3, w * 3);
    }
    return RgbImage.of(2 * w, 2 * h, canvas);
  }
}
