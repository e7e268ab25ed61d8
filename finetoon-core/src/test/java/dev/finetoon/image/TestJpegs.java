package dev.finetoon.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** JPEG files for tests: written with ImageIO at top quality, with EXIF or Adobe segments spliced in after SOI. */
public final class TestJpegs {
  private TestJpegs() {}

  /** {@code image} as a baseline YCbCr JPEG. */
  public static byte[] rgb(BufferedImage image) throws IOException {
    return write(new IIOImage(image, null, null));
  }

  /**
   * A four-component JPEG holding {@code samples} (per pixel four values, row-major) as stored, without an Adobe
   * segment: what decoders take as CMYK.
   */
  public static byte[] fourComponents(int width, int height, int[] samples) throws IOException {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
    raster.setPixels(0, 0, width, height, samples);
    return write(new IIOImage(raster, null, null));
  }

  /** {@code jpeg} with an APP1 EXIF segment whose IFD0 holds only the orientation tag. */
  public static byte[] withOrientation(byte[] jpeg, int orientation) {
    ByteBuffer exif = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
    exif.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
    exif.put("MM".getBytes(StandardCharsets.ISO_8859_1)).putShort((short) 42).putInt(8);
    exif.putShort((short) 1);
    exif.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    exif.putInt(0);
    return withSegment(jpeg, 0xE1, exif.array());
  }

  /** {@code jpeg} with an Adobe APP14 segment carrying {@code transform} (0 CMYK, 1 YCbCr, 2 YCCK). */
  public static byte[] withAdobeTransform(byte[] jpeg, int transform) {
    ByteBuffer adobe = ByteBuffer.allocate(12);
    adobe.put("Adobe".getBytes(StandardCharsets.ISO_8859_1)).putShort((short) 100).putInt(0).put((byte) transform);
    return withSegment(jpeg, 0xEE, adobe.array());
  }

  /** {@code jpeg} with a segment inserted after SOI and the JFIF APP0 segment, if there is one. */
  static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
    int at = 2;
    if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
      at += 2 + ((jpeg[4] & 0xFF) << 8 | jpeg[5] & 0xFF);
    }
    ByteBuffer out = ByteBuffer.allocate(jpeg.length + 4 + payload.length);
    out.put(jpeg, 0, at).put((byte) 0xFF).put((byte) marker).putShort((short) (payload.length + 2)).put(payload);
    out.put(jpeg, at, jpeg.length - at);
    return out.array();
  }

  private static byte[] write(IIOImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(1f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, image, param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
