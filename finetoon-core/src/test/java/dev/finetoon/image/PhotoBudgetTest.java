package dev.finetoon.image;

import static dev.finetoon.testing.HostileInput.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A progressive JPEG whose last scan repeats: each scan is a full pass of the JDK's decoder, so 1 000 repeats took
 * 67 s and 10 000 more than 300 s. Run with a 256 MB heap (the {@code *BudgetTest} execution).
 */
class PhotoBudgetTest {
  @Test
  void aJpegWithAThousandScansIsRefusedBeforeDecoding() throws IOException {
    byte[] progressive = progressiveJpeg();
    int lastScan = lastIndexOf(progressive, (byte) 0xDA) - 1;
    byte[] scan = Arrays.copyOfRange(progressive, lastScan, progressive.length - 2); // SOS ... up to EOI
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.write(progressive, 0, lastScan);
    for (int i = 0; i < 1000; i++) {
      bomb.writeBytes(scan);
    }
    bomb.write(0xFF);
    bomb.write(0xD9);

    ImageFormatException e = refused("JPEG of 1000 scans", ImageFormatException.class,
        () -> PhotoReader.defaults().read(bomb.toByteArray(), "scans.jpg"));

    assertThat(e).hasMessageContaining("scans, more than the " + PhotoReader.MAX_JPEG_SCANS);
    assertThat(PhotoReader.defaults().read(progressive, "progressive.jpg").width()).isEqualTo(64);
  }

  /** A 64x64 noise image as the JDK writes a progressive JPEG. */
  private static byte[] progressiveJpeg() throws IOException {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(15);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static int lastIndexOf(byte[] bytes, byte marker) {
    for (int i = bytes.length - 1; i > 0; i--) {
      if (bytes[i - 1] == (byte) 0xFF && bytes[i] == marker) {
        return i;
      }
    }
    throw new AssertionError("no such marker");
  }
}
