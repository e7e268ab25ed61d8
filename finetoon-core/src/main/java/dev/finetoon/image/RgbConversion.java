package dev.finetoon.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * A decoded image's colours as 8-bit RGB, the way PIL's {@code convert('RGB')} gives them: grey is copied to all three
 * channels, alpha is dropped (not composited: PIL keeps the colour under a transparent pixel), palettes are looked up,
 * and sample values are taken as they are, without colour management (PIL ignores embedded ICC profiles too).
 *
 * <p>Samples deeper than 8 bits keep their high byte, as PIL does for 16-bit colour PNGs. For 16-bit grey PIL instead
 * clips the value to 255, which turns nearly every photo white; finetoon scales it like colour. Grey of 1, 2 or 4 bits
 * (which Java reads through a palette) is stretched to 0..255, as in PIL.
 */
final class RgbConversion {
  private RgbConversion() {}

  static RgbImage toRgb(BufferedImage image) {
    ColorModel model = image.getColorModel();
    int type = model.getColorSpace().getType();
    int storage = image.getSampleModel().getDataType();
    boolean rawSamples =
        model instanceof ComponentColorModel
            && (storage == DataBuffer.TYPE_BYTE || storage == DataBuffer.TYPE_USHORT)
            && Arrays.stream(image.getSampleModel().getSampleSize()).allMatch(bits -> bits >= 8)
            && (type == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1
                || type == ColorSpace.TYPE_RGB && model.getNumColorComponents() == 3);
    return rawSamples ? fromSamples(image.getRaster(), model.getNumColorComponents()) : fromArgb(image);
  }

  /** Grey or RGB bands of 8 bits or more (any alpha band after them is ignored), each cut to its high byte. */
  private static RgbImage fromSamples(Raster raster, int colors) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] bits = raster.getSampleModel().getSampleSize();
    byte[] out = new byte[w * h * 3];
    int[] row = new int[w * raster.getNumBands()];
    int bands = raster.getNumBands();
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int band = colors == 1 ? 0 : c;
          out[(y * w + x) * 3 + c] = (byte) (row[x * bands + band] >>> (bits[band] - 8));
        }
      }
    }
    return RgbImage.wrap(w, h, out);
  }

  /** Palettes, packed RGB and anything else Java2D can express in sRGB. */
  private static RgbImage fromArgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * 3];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int at = (y * w + x) * 3;
        out[at] = (byte) (row[x] >> 16);
        out[at + 1] = (byte) (row[x] >> 8);
        out[at + 2] = (byte) row[x];
      }
    }
    return RgbImage.wrap(w, h, out);
  }
}
