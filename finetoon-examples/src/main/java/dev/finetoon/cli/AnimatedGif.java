package dev.finetoon.cli;

import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes an animated GIF frame by frame with ImageIO's GIF writer (which reduces each frame to a 256-colour palette),
 * every frame shown for the same time, looping forever.
 *
 * <pre>{@code
 * try (AnimatedGif gif = AnimatedGif.start(out, 10)) {
 *   for (BufferedImage frame : frames) {
 *     gif.add(frame);
 *   }
 * }
 * }</pre>
 */
final class AnimatedGif implements Closeable {
  private static final String FORMAT = "javax_imageio_gif_image_1.0";

  private final ImageWriter writer;
  private final ImageOutputStream stream;
  private final int delayCentiseconds;
  private boolean loopWritten;

  private AnimatedGif(ImageWriter writer, ImageOutputStream stream, int delayCentiseconds) {
    this.writer = writer;
    this.stream = stream;
    this.delayCentiseconds = delayCentiseconds;
  }

  /** A GIF written to {@code out} (left open), each frame shown for {@code delayCentiseconds} hundredths. */
  static AnimatedGif start(OutputStream out, int delayCentiseconds) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ImageOutputStream stream = ImageIO.createImageOutputStream(out);
    writer.setOutput(stream);
    writer.prepareWriteSequence(null);
    return new AnimatedGif(writer, stream, delayCentiseconds);
  }

  /** Appends a frame. */
  void add(BufferedImage frame) throws IOException {
    IIOMetadata metadata =
        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
    IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
    IIOMetadataNode control = child(root, "GraphicControlExtension");
    control.setAttribute("disposalMethod", "none");
    control.setAttribute("userInputFlag", "FALSE");
    control.setAttribute("transparentColorFlag", "FALSE");
    control.setAttribute("delayTime", Integer.toString(delayCentiseconds));
    control.setAttribute("transparentColorIndex", "0");
    if (!loopWritten) {
      IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
      loop.setAttribute("applicationID", "NETSCAPE");
      loop.setAttribute("authenticationCode", "2.0");
      loop.setUserObject(new byte[] {1, 0, 0}); // loop count 0: forever
      child(root, "ApplicationExtensions").appendChild(loop);
    }
    metadata.setFromTree(FORMAT, root);
    writer.writeToSequence(new IIOImage(frame, null, metadata), null);
    loopWritten = true;
  }

  /** Ends the sequence and writes everything out; the underlying stream stays open. */
  @Override
  public void close() throws IOException {
    try {
      writer.endWriteSequence();
      stream.close(); // ImageIO's cache streams leave the stream they write to open
    } finally {
      writer.dispose();
    }
  }

  private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
    for (int i = 0; i < parent.getLength(); i++) {
      if (parent.item(i).getNodeName().equals(name)) {
        return (IIOMetadataNode) parent.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    parent.appendChild(node);
    return node;
  }
}
