package dev.finetoon.examples;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.face.FfhqAligner;
import dev.finetoon.face.Point;
import dev.finetoon.image.ImageGrid;
import dev.finetoon.image.Images;
import dev.finetoon.image.Lanczos;
import dev.finetoon.image.PhotoReader;
import dev.finetoon.image.RgbImage;
import dev.finetoon.io.AtomicFiles;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyFile;
import dev.finetoon.onnx.face.DetectedFace;
import dev.finetoon.onnx.face.FaceApi;
import dev.finetoon.onnx.face.FaceBox;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Every face that {@link FaceApi} finds in some photos, aligned as FFHQ's faces were ({@link FfhqAligner}), on one
 * contact sheet: a row per photo, first its thumbnail with the detection boxes and the 68 landmarks drawn, then each
 * face's aligned crop, numbered as on the thumbnail and with its detection score. A look at what detection and
 * alignment make of your photos before toonifying them.
 *
 * <pre>
 * FaceContactSheet group.jpg family.png                  # writes face-contact-sheet.png
 * FaceContactSheet -o sheet.jpg -s 192 sample1.rgb.npy … # .npy: uint8 [H, W, 3] pixels; .jpg/.jpeg: a JPEG sheet
 * </pre>
 *
 * <p>Prints each photo's face count and how long {@code detectAll} took.
 */
public final class FaceContactSheet {
  private static final Path DEFAULT_OUTPUT = Path.of("face-contact-sheet.png");
  private static final int DEFAULT_TILE = 256;
  private static final float JPEG_QUALITY = 0.85f;

  private FaceContactSheet() {}

  public static void main(String[] args) throws IOException {
    Path output = DEFAULT_OUTPUT;
    int tile = DEFAULT_TILE;
    List<Path> photos = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-o" -> output = Path.of(args[++i]);
        case "-s" -> tile = Integer.parseInt(args[++i]);
        default -> photos.add(Path.of(args[i]));
      }
    }
    checkArgument(!photos.isEmpty(), "usage: FaceContactSheet [-o SHEET.png|.jpg] [-s TILE_PX] PHOTO...");
    List<Row> rows = new ArrayList<>();
    try (FaceApi faceApi = FaceApi.open()) {
      for (Path file : photos) {
        RgbImage photo = read(file);
        long start = System.nanoTime();
        List<DetectedFace> faces = faceApi.detectAll(photo);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "%s: %dx%d, %d faces, detectAll %d ms%n", file, photo.width(), photo.height(),
            faces.size(), millis);
        rows.add(new Row(name(file), photo, faces));
      }
    }
    write(render(rows, tile), output);
    System.out.println("wrote " + output.toAbsolutePath());
  }

  /** A photo and its faces. */
  record Row(String label, RgbImage photo, List<DetectedFace> faces) {}

  /** The sheet: one row per photo, as many face columns as the photo with the most faces. */
  static BufferedImage render(List<Row> rows, int tile) {
    int columns = rows.stream().mapToInt(r -> r.faces().size()).max().orElse(0);
    List<String> labels = new ArrayList<>(List.of("photo"));
    for (int i = 1; i <= columns; i++) {
      labels.add("face " + i);
    }
    ImageGrid grid = new ImageGrid().columnLabels(labels.toArray(String[]::new));
    FfhqAligner aligner = FfhqAligner.of(tile);
    BufferedImage blank = blank(tile);
    for (Row row : rows) {
      List<BufferedImage> tiles = new ArrayList<>();
      tiles.add(thumbnail(row.photo(), row.faces(), tile));
      for (int i = 0; i < row.faces().size(); i++) {
        DetectedFace face = row.faces().get(i);
        BufferedImage crop;
        try {
          crop = aligner.align(row.photo(), face.ffhqLandmarks()).toBufferedImage();
        } catch (IllegalArgumentException e) {
          crop = blank(tile); // too small to align
        }
        caption(crop, String.format(Locale.ROOT, "%d  %.2f", i + 1, face.score()));
        tiles.add(crop);
      }
      tiles.addAll(Collections.nCopies(columns - row.faces().size(), blank));
      grid.row(row.label(), tiles);
    }
    return grid.render();
  }

  /** The photo fitted into a white {@code tile²} square, with boxes, numbers and landmarks. */
  private static BufferedImage thumbnail(RgbImage photo, List<DetectedFace> faces, int tile) {
    double scale = (double) tile / Math.max(photo.width(), photo.height());
    int w = Math.max(1, (int) Math.round(photo.width() * scale));
    int h = Math.max(1, (int) Math.round(photo.height() * scale));
    double left = (tile - w) / 2.0;
    double top = (tile - h) / 2.0;
    double dot = Math.max(1.5, tile / 128.0);
    BufferedImage thumb = blank(tile);
    Graphics2D g = graphics(thumb);
    try {
      g.drawImage(Lanczos.resize(photo, w, h).toBufferedImage(), (int) left, (int) top, null);
      g.setStroke(new BasicStroke(1.5f));
      for (int i = 0; i < faces.size(); i++) {
        DetectedFace face = faces.get(i);
        FaceBox box = face.box();
        g.setColor(Color.GREEN);
        g.draw(new Rectangle2D.Double(left + box.x() * scale, top + box.y() * scale, box.width() * scale,
            box.height() * scale));
        g.drawString(Integer.toString(i + 1), (float) (left + box.x() * scale), (float) (top + box.y() * scale - 2));
        g.setColor(Color.RED);
        for (Point p : face.landmarks()) {
          g.fill(new Ellipse2D.Double(left + p.x() * scale - dot / 2, top + p.y() * scale - dot / 2, dot, dot));
        }
      }
    } finally {
      g.dispose();
    }
    return thumb;
  }

  /** Writes {@code text} in the top left corner, white on a dark band. */
  private static void caption(BufferedImage image, String text) {
    Graphics2D g = graphics(image);
    try {
      int width = g.getFontMetrics().stringWidth(text) + 6;
      int height = g.getFontMetrics().getHeight() + 2;
      g.setColor(new Color(0, 0, 0, 160));
      g.fillRect(0, 0, width, height);
      g.setColor(Color.WHITE);
      g.drawString(text, 3, g.getFontMetrics().getAscent() + 1);
    } finally {
      g.dispose();
    }
  }

  private static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    return g;
  }

  private static BufferedImage blank(int tile) {
    BufferedImage image = new BufferedImage(tile, tile, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, tile, tile);
    g.dispose();
    return image;
  }

  /** A photo, or a {@code .npy} of uint8 pixels {@code [H, W, 3]}. */
  static RgbImage read(Path file) throws IOException {
    if (!file.toString().endsWith(".npy")) {
      return PhotoReader.defaults().read(file);
    }
    NpyArray rgb = NpyFile.read(file);
    int[] shape = rgb.shape();
    checkArgument(shape.length == 3 && shape[2] == 3, "%s: expected uint8 pixels [H, W, 3], got %s", file, rgb);
    return RgbImage.of(shape[1], shape[0], rgb.toLittleEndianBytes());
  }

  /** {@code sample1} for {@code sample1.jpg} and {@code sample1.rgb.npy}. */
  private static String name(Path file) {
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** PNG, or JPEG for {@code .jpg}/{@code .jpeg}; atomically. */
  private static void write(BufferedImage sheet, Path output) throws IOException {
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".jpg") && !name.endsWith(".jpeg")) {
      Images.writePng(sheet, output);
      return;
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(JPEG_QUALITY);
    try {
      AtomicFiles.write(output, out -> {
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
          writer.setOutput(stream);
          writer.write(null, new IIOImage(sheet, null, null), param);
        }
      });
    } finally {
      writer.dispose();
    }
  }
}
