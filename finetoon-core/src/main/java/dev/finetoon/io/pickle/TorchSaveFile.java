package dev.finetoon.io.pickle;

import dev.finetoon.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a {@code torch.save} file — the zip archive of PyTorch ≥ 1.6 or the legacy stream before it — into the object
 * it holds, through the same allow-listed unpickler as NVIDIA's pickles: nothing is imported or run. Dicts and
 * {@code OrderedDict}s become {@link Map}s, lists {@link java.util.List}s, tuples {@code Object[]}, tensors
 * {@link StoredTensor}s (read on demand, checked against their storage; zip entries are mapped, not loaded), and
 * objects of other classes ({@code argparse.Namespace}, optimiser states' classes) inert placeholder maps. Storage
 * locations such as {@code cuda:0} are tags only; the bytes are read the same way.
 *
 * <p>This is the entry point for any checkpoint that holds state dicts, e.g. pSp/e4e encoders
 * ({@code {"state_dict": {"encoder.…", "decoder.…"}, "opts": {…}, "latent_avg"}}), whose decoder
 * {@link RosinalityReader#fromStateDict} turns into a generator:
 *
 * <pre>{@code
 * Map<?, ?> ckpt = (Map<?, ?>) TorchSaveFile.load(Path.of("e4e_ffhq_encode.pt"));
 * Map<?, ?> stateDict = (Map<?, ?>) ckpt.get("state_dict");
 * StoredTensor conv = (StoredTensor) stateDict.get("encoder.input_layer.0.weight");
 * StyleGanModel decoder = RosinalityReader.fromStateDict(stateDict, "decoder.", null, Map.of("source", "e4e"));
 * }</pre>
 *
 * <p>Thread-safe: every call works on its own state. Zip entries are memory-mapped, so the file must not be truncated
 * or rewritten while its {@link StoredTensor}s are still to be read.
 */
public final class TorchSaveFile {
  /** Protocol 2, {@code LONG1} of 10 bytes, then torch's magic number 0x1950a86a20f9469cfc6c little-endian. */
  private static final byte[] LEGACY_HEAD = {
    (byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50,
    0x19
  };

  private TorchSaveFile() {}

  /** The container of a file: {@code zip}, {@code legacy}, or null when it is no {@code torch.save} file. */
  static String container(Path file) throws IOException {
    byte[] head = new byte[LEGACY_HEAD.length];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (TorchZipArchive.looksLikeZip(head, n)) {
      return "zip";
    }
    return n == head.length && Arrays.equals(head, LEGACY_HEAD) ? "legacy" : null;
  }

  /** True when the file starts like a {@code torch.save} zip archive or legacy stream. */
  public static boolean isTorchSave(Path file) throws IOException {
    return container(file) != null;
  }

  /** The object the file holds; throws {@link ModelFormatException} naming what is wrong with it. */
  public static Object load(Path file) throws IOException {
    return load(file, PickleGlobals.forModelFiles());
  }

  static Object load(Path file, PickleGlobals globals) throws IOException {
    String container = container(file);
    if ("zip".equals(container)) {
      return loadZip(TorchZipArchive.open(file), file.toString(), globals);
    }
    if (!"legacy".equals(container)) {
      throw new ModelFormatException(file + " is not a torch.save file (neither a zip archive nor a legacy stream)");
    }
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 64) {
      throw new ModelFormatException(file + " is " + size + " bytes; legacy torch.save streams over 2 GiB are not"
          + " supported");
    }
    try {
      return LegacyStorageReader.readStream(Files.readAllBytes(file), () -> globals);
    } catch (ModelFormatException e) {
      throw e instanceof dev.finetoon.UnsafePickleException ? e : new ModelFormatException(file + ": " + e.getMessage(),
          e);
    } catch (StackOverflowError e) {
      throw new ModelFormatException(file + " is nested too deeply to read", e);
    }
  }

  private static Object loadZip(TorchZipArchive archive, String source, PickleGlobals globals) throws IOException {
    String version = archive.has(".data/version") ? ".data/version" : "version";
    if (!archive.has(version) || !text(archive, version).matches("[1-9][0-9]{0,3}")) {
      throw new ModelFormatException(source + " has no valid torch.save version record (folder " + archive.folder()
          + ")");
    }
    if (archive.has("byteorder") && !text(archive, "byteorder").equals("little")) {
      throw new ModelFormatException(source + " stores its tensors " + text(archive, "byteorder")
          + "-endian; only little-endian files are supported");
    }
    Map<String, TorchStorage> storages = new HashMap<>();
    return NvidiaPickleReader.unpickle(archive.bytes("data.pkl"), source, globals,
        pid -> storage(archive, storages, pid));
  }

  private static String text(TorchZipArchive archive, String name) throws IOException {
    ByteBuffer data = archive.entry(name);
    if (data.remaining() > 64) {
      throw new ModelFormatException("the record " + archive.folder() + "/" + name + " is " + data.remaining()
          + " bytes, not a short text");
    }
    return StandardCharsets.US_ASCII.decode(data).toString().trim();
  }

  /** {@code ('storage', torch.FloatStorage, key, location, numel)} → the entry {@code data/<key>}, once per key. */
  private static TorchStorage storage(TorchZipArchive archive, Map<String, TorchStorage> storages, Object pid) {
    if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType type)
        || !(t[2] instanceof String key) || !(t[4] instanceof Number numel)) {
      throw new PickleFailure(new ModelFormatException("unsupported persistent id " + describe(pid)));
    }
    TorchStorage known = storages.get(key);
    if (known != null) {
      if (known.type() != type || known.numel() != numel.longValue()) {
        throw new PickleFailure(new ModelFormatException("storage " + key + " is declared twice differently"));
      }
      return known;
    }
    try {
      String name = "data/" + key;
      if (!archive.has(name)) {
        throw new ModelFormatException("storage " + key + " has no entry " + archive.folder() + "/" + name);
      }
      ByteBuffer data = archive.entry(name);
      if (numel.longValue() < 0 || data.remaining() != numel.longValue() * type.elementSize()) {
        throw new ModelFormatException("storage " + key + " declares " + numel + " elements of " + type.elementSize()
            + " bytes, but its entry holds " + data.remaining() + " bytes");
      }
      TorchStorage storage = new TorchStorage(type, numel.longValue(), data);
      storages.put(key, storage);
      return storage;
    } catch (ModelFormatException e) {
      throw new PickleFailure(e);
    } catch (IOException e) {
      throw new PickleFailure(new ModelFormatException("storage " + key + " cannot be read: " + e.getMessage(), e));
    }
  }

  private static String describe(Object pid) {
    return pid instanceof Object[] t ? Arrays.toString(t) : String.valueOf(pid);
  }
}
