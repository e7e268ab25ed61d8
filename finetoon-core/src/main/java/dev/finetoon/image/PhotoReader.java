package dev.finetoon.image;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.io.ByteSource;
import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads a photo (any format Java's ImageIO reads: PNG, JPEG, GIF, BMP, TIFF, WBMP) as 8-bit RGB, with the colours
 * PIL's {@code Image.open(f).convert('RGB')} gives, which is what NVIDIA's projector feeds the network:
 *
 * <ul>
 *   <li>grey becomes R = G = B; alpha is dropped, not composited (PIL keeps the colour under transparent pixels);
 *       palettes are looked up; 16-bit samples keep their high byte (PIL clips 16-bit grey instead, see {@link
 *       RgbImage#from});
 *   <li>CMYK and YCCK JPEGs, which ImageIO cannot convert reliably, are converted with PIL's naive formula (see
 *       {@code CmykConversion});
 *   <li>JPEGs are turned upright by their EXIF orientation tag, which PIL and the projector ignore (they would feed a
 *       phone's portrait photo sideways); {@link #ignoringExifOrientation()} reproduces them exactly.
 * </ul>
 *
 * <p>Safety: the image's size is read from its header first and an image of more than {@link #maxPixels()} pixels is
 * refused before any pixel is decoded (default {@value #DEFAULT_MAX_PIXELS}, about 190 MB as RGB), and so is one that
 * claims more pixels than its file could encode (16384 per byte, twice what PNG can reach), so that a small corrupt
 * file cannot make the reader allocate for a large image. A truncated, corrupt or unrecognised file, including a JPEG
 * the decoder warns about, gives an {@link ImageFormatException} naming the file; nothing is written to disk while
 * reading.
 *
 * <pre>{@code
 * RgbImage photo = PhotoReader.defaults().read(Path.of("me.jpg"));
 * RgbImage big = PhotoReader.defaults().withMaxPixels(200_000_000).read(Path.of("scan.tif"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class PhotoReader {
  /** 64 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 64_000_000L;

  /**
   * The most pixels a byte of a file can describe: a 1-bit PNG at deflate's best ratio (about 1032:1) reaches 8256;
   * JPEG and GIF reach far less. A header that claims more belongs to a truncated or corrupt file.
   */
  private static final long MAX_PIXELS_PER_BYTE = 1 << 14;

  /**
   * The most scans a JPEG may have. libjpeg's progressive scripts use 10; each scan is a full pass of the JDK's
   * decoder, so a file repeating one scan a thousand times would take minutes.
   */
  static final int MAX_JPEG_SCANS = 100;

  /** The most pixels an RGB byte array can hold. */
  private static final long MAX_SUPPORTED_PIXELS = Integer.MAX_VALUE / 3;

  private static final PhotoReader DEFAULTS = new PhotoReader(DEFAULT_MAX_PIXELS, true);

  private final long maxPixels;
  private final boolean exifOrientation;

  private PhotoReader(long maxPixels, boolean exifOrientation) {
    this.maxPixels = maxPixels;
    this.exifOrientation = exifOrientation;
  }

  /** A reader with a limit of {@value #DEFAULT_MAX_PIXELS} pixels that honours EXIF orientation. */
  public static PhotoReader defaults() {
    return DEFAULTS;
  }

  /** This reader with another pixel limit, at most {@code Integer.MAX_VALUE / 3}. */
  public PhotoReader withMaxPixels(long limit) {
    checkArgument(
        limit > 0 && limit <= MAX_SUPPORTED_PIXELS, "max pixels must be in 1..%s, got %s", MAX_SUPPORTED_PIXELS, limit);
    return new PhotoReader(limit, exifOrientation);
  }

  /** This reader leaving JPEGs as stored, as PIL does: the projector's exact input. */
  public PhotoReader ignoringExifOrientation() {
    return new PhotoReader(maxPixels, false);
  }

  public long maxPixels() {
    return maxPixels;
  }

  /** The photo in {@code file}. */
  public RgbImage read(Path file) throws IOException {
    return read(MoreFiles.asByteSource(file), file.toString());
  }

  /** The photo in {@code bytes}; {@code name} (a file name, an upload's name) appears in error messages. */
  public RgbImage read(byte[] bytes, String name) throws IOException {
    return read(ByteSource.wrap(bytes), name);
  }

  private RgbImage read(ByteSource source, String name) throws IOException {
    JpegHeader jpeg;
    try (InputStream in = source.openBufferedStream()) {
      jpeg = JpegHeader.read(in);
    }
    if (jpeg != null && jpeg.scans() > MAX_JPEG_SCANS) {
      throw new ImageFormatException(name + ": a JPEG of " + jpeg.scans() + " scans, more than the " + MAX_JPEG_SCANS
          + " any encoder writes; refused before decoding");
    }
    try (InputStream in = source.openBufferedStream();
        ImageInputStream stream = new MemoryCacheImageInputStream(in)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
      if (!readers.hasNext()) {
        throw new ImageFormatException(name + ": not an image in a format finetoon reads (PNG, JPEG, GIF, BMP, TIFF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        RgbImage image = decode(reader, jpeg, source.size(), name);
        return jpeg != null && exifOrientation ? ExifOrientation.of(jpeg.orientation()).upright(image) : image;
      } finally {
        reader.dispose();
      }
    }
  }

  private RgbImage decode(ImageReader reader, JpegHeader jpeg, long length, String name) throws ImageFormatException {
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
    RgbImage image;
    try {
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if ((long) width * height > maxPixels) {
        throw new ImageFormatException(
            String.format(
                "%s: %dx%d is %d pixels, more than the limit of %d (PhotoReader.withMaxPixels)",
                name, width, height, (long) width * height, maxPixels));
      }
      if ((long) width * height > MAX_PIXELS_PER_BYTE * length) {
        throw new ImageFormatException(
            String.format(
                "%s: corrupt or truncated image: %dx%d pixels cannot come from %d bytes (at most %d pixels per byte)",
                name, width, height, length, MAX_PIXELS_PER_BYTE));
      }
      image =
          jpeg != null && jpeg.components() == 4
              ? CmykConversion.toRgb(reader.readRaster(0, null), jpeg.adobeTransform() == 2)
              : RgbImage.from(reader.read(0));
    } catch (ImageFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // ImageIO's decoders throw unchecked exceptions on some corrupt files too
      throw new ImageFormatException(name + ": corrupt or truncated image: " + e.getMessage(), e);
    }
    if (!warnings.isEmpty()) {
      throw new ImageFormatException(name + ": corrupt or truncated image: " + warnings.get(0));
    }
    return image;
  }
}
