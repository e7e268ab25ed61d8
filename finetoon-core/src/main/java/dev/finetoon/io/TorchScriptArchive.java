package dev.finetoon.io;

import dev.finetoon.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * What a TorchScript file is, read from its zip archive without loading it: the {@code code/} entries hold the
 * module's Python source, whose signatures tell an LPIPS feature network in the convention of NVIDIA's {@code
 * vgg16.pt} (its {@code forward} takes {@code return_lpips}) from, say, a face encoder.
 *
 * <pre>{@code
 * TorchScriptArchive vgg = TorchScriptArchive.read(Path.of("vgg16.pt"));
 * boolean lpips = vgg.takesReturnLpips();
 * }</pre>
 */
public final class TorchScriptArchive {
  /** The most source text read from one archive; NVIDIA's vgg16.pt has a few kilobytes. */
  private static final int MAX_CODE_BYTES = 1 << 22;

  private final String code;

  private TorchScriptArchive(String code) {
    this.code = code;
  }

  /**
   * Reads the code of a TorchScript archive.
   *
   * @throws ModelFormatException if the file is not a zip archive with {@code code/} and {@code data.pkl} entries
   */
  public static TorchScriptArchive read(Path file) throws IOException {
    StringBuilder code = new StringBuilder();
    boolean data = false;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        data |= entry.getName().endsWith("/data.pkl");
        if (entry.getName().contains("/code/") && entry.getName().endsWith(".py")) {
          try (InputStream in = zip.getInputStream(entry)) {
            code.append(new String(in.readNBytes(MAX_CODE_BYTES - code.length()), StandardCharsets.UTF_8));
          }
        }
      }
    } catch (ZipException e) {
      throw new ModelFormatException(file + " is not a TorchScript file (not a zip archive)", e);
    }
    if (code.isEmpty() || !data) {
      throw new ModelFormatException(file + " is a zip archive but not TorchScript (it lacks code/ or data.pkl)");
    }
    return new TorchScriptArchive(code.toString());
  }

  /** Whether some {@code forward} takes {@code return_lpips}, as NVIDIA's LPIPS {@code vgg16.pt} does. */
  public boolean takesReturnLpips() {
    return code.contains("return_lpips: bool");
  }
}
