package dev.finetoon.spark;

import dev.finetoon.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import javax.imageio.ImageIO;

/** Images and latents as table cells: PNG bytes and {@code float[num_ws][w_dim]}. */
final class Cells {
  private Cells() {}

  /** The image as PNG bytes (ImageIO's writer, as {@link dev.finetoon.image.Images#writePng} uses). */
  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("no PNG writer for image type " + image.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing a PNG in memory", e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /** Row {@code index} of a {@code [N, num_ws, w_dim]} tensor (or the only one of {@code [num_ws, w_dim]}). */
  static float[][] ws(Tensor ws, int index) {
    int numWs = ws.dim(ws.rank() - 2);
    int wDim = ws.dim(ws.rank() - 1);
    FloatBuffer values = ws.buffer();
    values.position(index * numWs * wDim);
    float[][] rows = new float[numWs][wDim];
    for (float[] row : rows) {
      values.get(row);
    }
    return rows;
  }
}
