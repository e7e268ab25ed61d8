package dev.finetoon.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetoon.ModelFormatException;
import dev.finetoon.io.pickle.NvidiaPickleReader;
import dev.finetoon.io.pickle.RosinalityReader;
import dev.finetoon.io.pickle.TorchSaveFile;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes generators in every format finetoon knows: NVIDIA's {@code .pkl} (stylegan2-ada-pytorch and
 * stylegan3-repository snapshots, bare Generators, TensorFlow {@code (G, D, Gs)} pickles; read only), rosinality's
 * {@code torch.save} checkpoints ({@code .pt}, read only) and finetoon's own safetensors files (weights plus
 * configuration and provenance as JSON metadata). The format is recognised by content, not by file name.
 *
 * <pre>{@code
 * StyleGanModel ffhq = ModelFiles.read(Path.of("ffhq-res256.pkl"));
 * ModelFiles.write(LayerBlender.swap(ffhq, toon, 64, 128, 256), Path.of("blend.safetensors"));
 * }</pre>
 */
public final class ModelFiles {
  /** The metadata value that marks a finetoon generator file. */
  public static final String FORMAT = "finetoon.stylegan2-ada.v1";

  private static final String FORMAT_KEY = "format";
  private static final String CONFIG_KEY = "config";
  private static final String PROVENANCE_KEY = "provenance";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFiles() {}

  /** Reads a generator; throws {@link ModelFormatException} naming what is wrong with the file. */
  public static StyleGanModel read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such model file");
    }
    byte[] head = new byte[9];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n == 0) {
      throw new ModelFormatException(file + " is empty");
    }
    // Safetensors first: its 8-byte header length may well start with 0x80, a pickle's first byte.
    long headerLength = n == 9 ? ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() : -1;
    if (n == 9 && head[8] == '{' && headerLength > 0 && headerLength <= Files.size(file) - 8) {
      return readSafetensors(file);
    }
    if (TorchSaveFile.isTorchSave(file)) {
      return RosinalityReader.read(file);
    }
    if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      return NvidiaPickleReader.read(file);
    }
    if (n == 9 && head[8] == '{') {
      throw new ModelFormatException(file + " looks like a safetensors file, but its header length " + headerLength
          + " does not fit in the file's " + Files.size(file) + " bytes");
    }
    throw new ModelFormatException(file + " is neither a pickle (NVIDIA, StyleGAN3-repository or TensorFlow .pkl)"
        + " nor a torch.save checkpoint (rosinality .pt) nor a finetoon safetensors file");
  }

  /** Writes a generator as finetoon safetensors, atomically. */
  public static void write(StyleGanModel model, Path file) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(FORMAT_KEY, FORMAT);
    metadata.put(CONFIG_KEY, ConfigJson.write(model.config()));
    metadata.put(PROVENANCE_KEY, JSON.writeValueAsString(model.provenance()));
    SafetensorsFile.write(file, model.tensors(), metadata);
  }

  private static StyleGanModel readSafetensors(Path file) throws IOException {
    SafetensorsFile.Contents contents = SafetensorsFile.read(file);
    Map<String, String> meta = contents.metadata();
    if (!FORMAT.equals(meta.get(FORMAT_KEY)) || !meta.containsKey(CONFIG_KEY)) {
      throw new ModelFormatException(
          file + " is a safetensors file without finetoon's generator configuration (format "
              + meta.getOrDefault(FORMAT_KEY, "missing") + ")");
    }
    Map<String, String> provenance = new LinkedHashMap<>();
    try {
      provenance.putAll(
          JSON.readValue(meta.getOrDefault(PROVENANCE_KEY, "{}"), new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(file + " has unreadable provenance metadata", e);
    }
    provenance.putIfAbsent("format", "finetoon");
    provenance.put("file", file.toString());
    try {
      return StyleGanModel.of(ConfigJson.read(meta.get(CONFIG_KEY)), contents.tensors(), provenance);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file + ": " + e.getMessage(), e);
    }
  }
}
