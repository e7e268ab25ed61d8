package dev.finetoon.image;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What finetoon needs from a JPEG's header segments, which Java's ImageIO does not expose: the EXIF orientation tag
 * (ImageIO ignores EXIF, and the JDK has no EXIF API), the number of colour components and the Adobe colour
 * transform (together: whether the file is CMYK or YCCK), and the number of scans. A small parser instead of a
 * metadata library: it reads the marker segments, each at most 64 KiB by the JPEG format, skipping the scans' data,
 * and checks every offset inside the EXIF block against its length, so a hostile file can neither make it allocate
 * much nor read out of bounds.
 *
 * @param orientation the EXIF orientation, 1 to 8; 1 (as stored) where the tag is absent or malformed
 * @param components the colour components of the first frame, 0 where no frame header precedes the first scan
 * @param adobeTransform the Adobe APP14 transform (0 = none/CMYK, 1 = YCbCr, 2 = YCCK), -1 without such a segment
 * @param scans the number of scans (SOS segments): 1 for a baseline JPEG, about 10 for a progressive one. Each scan
 *     makes the JDK's decoder redo its work over the whole image, so a file that repeats one a thousand times takes
 *     minutes to decode; counting them takes one pass over the file's bytes.
 */
record JpegHeader(int orientation, int components, int adobeTransform, int scans) {
  private static final int SOS = 0xDA;
  private static final int EOI = 0xD9;
  private static final int APP1 = 0xE1;
  private static final int APP14 = 0xEE;
  private static final int ORIENTATION_TAG = 0x0112;
  private static final int TIFF_SHORT = 3;
  private static final byte[] EXIF = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] ADOBE = "Adobe".getBytes(StandardCharsets.ISO_8859_1);

  /** The header of the JPEG stream {@code in}, or null where it does not start like a JPEG (SOI marker). */
  static JpegHeader read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    if (data.read() != 0xFF || data.read() != 0xD8) {
      return null;
    }
    int orientation = 1;
    int components = 0;
    int adobeTransform = -1;
    int scans = 0;
    try {
      for (int marker = nextMarker(data); marker != EOI; marker = nextMarker(data)) {
        if (marker == 0x00 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
          continue; // a stuffed 0xFF in entropy-coded data, or a standalone marker: no length follows
        }
        if (marker == SOS) {
          scans++;
        }
        byte[] payload = new byte[Math.max(0, data.readUnsignedShort() - 2)];
        data.readFully(payload);
        if (marker == APP1 && startsWith(payload, EXIF)) {
          orientation = exifOrientation(Arrays.copyOfRange(payload, EXIF.length, payload.length));
        } else if (marker == APP14 && startsWith(payload, ADOBE) && payload.length >= 12) {
          adobeTransform = payload[11] & 0xFF;
        } else if (isStartOfFrame(marker) && components == 0 && payload.length >= 6) {
          components = payload[5] & 0xFF;
        }
      }
    } catch (EOFException truncated) {
      // What was read stands; the image decoder reports the truncation itself.
    }
    return new JpegHeader(orientation, components, adobeTransform, scans);
  }

  /** The next marker code, skipping any bytes before its 0xFF and any 0xFF fill bytes. */
  private static int nextMarker(DataInputStream in) throws IOException {
    int b = in.readUnsignedByte();
    while (b != 0xFF) {
      b = in.readUnsignedByte();
    }
    while (b == 0xFF) {
      b = in.readUnsignedByte();
    }
    return b;
  }

  /** SOF0 to SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  /** Tag 0x0112 of IFD0 in a TIFF block, or 1. */
  private static int exifOrientation(byte[] tiff) {
    if (tiff.length < 8) {
      return 1;
    }
    ByteBuffer b = ByteBuffer.wrap(tiff);
    if (tiff[0] == 'I' && tiff[1] == 'I') {
      b.order(ByteOrder.LITTLE_ENDIAN);
    } else if (tiff[0] != 'M' || tiff[1] != 'M') {
      return 1;
    }
    long ifd = Integer.toUnsignedLong(b.getInt(4));
    if (ifd > tiff.length - 2) {
      return 1;
    }
    int entries = b.getShort((int) ifd) & 0xFFFF;
    for (int i = 0; i < entries; i++) {
      int entry = (int) ifd + 2 + 12 * i;
      if (entry + 12 > tiff.length) {
        return 1;
      }
      if ((b.getShort(entry) & 0xFFFF) == ORIENTATION_TAG) {
        int value = b.getShort(entry + 8) & 0xFFFF;
        boolean valid = (b.getShort(entry + 2) & 0xFFFF) == TIFF_SHORT && value >= 1 && value <= 8;
        return valid ? value : 1;
      }
    }
    return 1;
  }

  private static boolean startsWith(byte[] payload, byte[] prefix) {
    return payload.length >= prefix.length && Arrays.equals(payload, 0, prefix.length, prefix, 0, prefix.length);
  }
}
