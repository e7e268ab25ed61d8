package dev.finetoon.io.pickle;

import com.google.common.collect.ImmutableList;
import dev.finetoon.ModelFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a file would do if Python loaded it ({@code pickle.load}, NVIDIA's {@code legacy.load_network_pkl},
 * {@code torch.load}), found without running anything: every global it references, judged by {@link GlobalRules}
 * (nested storage streams included), and every piece of Python source that loading would execute (NVIDIA's
 * {@code module_src}, TensorFlow's {@code build_module_src}), judged by {@link PythonSourceCheck}. A torch zip
 * archive is scanned entry by entry, a legacy {@code torch.save} stream pickle by pickle.
 *
 * <p>The rule: {@link Outcome#DANGEROUS} when a global or a source can run code or reach the system;
 * {@link Outcome#UNKNOWN} when something cannot be judged (an unknown global, a TorchScript program);
 * {@link Outcome#CLEAN} only when every global is known inert data and every source passes.
 *
 * <pre>{@code
 * PickleScan scan = PickleScan.of(Path.of("community-toon.pkl"));
 * if (scan.outcome() != PickleScan.Outcome.CLEAN) { scan.findings().forEach(System.out::println); }
 * }</pre>
 */
public record PickleScan(
    List<Global> globals, List<EmbeddedSource> sources, List<String> unjudged, Optional<String> error) {
  /** How a global would behave in Python. */
  public enum Verdict {
    KNOWN,
    UNKNOWN,
    DANGEROUS
  }

  /** The verdict on a whole file. */
  public enum Outcome {
    CLEAN,
    UNKNOWN,
    DANGEROUS
  }

  /** One global a pickle references. */
  public record Global(String name, Verdict verdict) {}

  /** The embedded source of one class, with what it can do that no network definition needs. */
  public record EmbeddedSource(String className, int lines, List<String> suspicious) {}

  /** Files larger than this are refused: no reader handles them, and reading them would take the heap. */
  private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

  private static final BigInteger TORCH_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  /** A legacy torch.save stream: magic, protocol version, system info, the object, the storage keys. */
  private static final int LEGACY_STREAM_PICKLES = 5;

  public PickleScan {
    globals = ImmutableList.copyOf(globals);
    sources = ImmutableList.copyOf(sources);
    unjudged = ImmutableList.copyOf(unjudged);
  }

  /** Scans a file. I/O errors are thrown, as is a file that is not regular or too large; the rest is reported. */
  public static PickleScan of(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
    if (!Files.isRegularFile(file)) {
      throw new ModelFormatException(PickleText.shorten(file.toString()) + " is not a regular file");
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new ModelFormatException(
          PickleText.shorten(file.toString()) + " is " + size + " bytes; files over 2 GiB are not scanned");
    }
    return of(Files.readAllBytes(file), file.toString());
  }

  /** Scans the bytes of a file; {@code source} names them in the error. */
  public static PickleScan of(byte[] bytes, String source) {
    PickleGlobals globals = PickleGlobals.forScanning();
    List<String> unjudged = new ArrayList<>();
    Optional<String> error = Optional.empty();
    try {
      if (bytes.length >= 2 && bytes[0] == 'P' && bytes[1] == 'K') {
        scanZip(bytes, source, globals, unjudged);
      } else if (isPickle(bytes)) {
        scanPickles(bytes, source, globals);
      } else {
        throw new ModelFormatException(source + " is neither a pickle of protocol 2 to 5 nor a zip archive");
      }
    } catch (ModelFormatException e) {
      error = Optional.of(e.getMessage());
    }
    if (error.isEmpty() && !globals.problems().isEmpty()) {
      error = Optional.of(source + ": " + globals.problems().get(0));
    }
    List<Global> found = new ArrayList<>();
    for (String name : globals.seen()) {
      int dot = name.lastIndexOf('.');
      found.add(new Global(name, GlobalRules.judge(name.substring(0, Math.max(dot, 0)), name.substring(dot + 1))));
    }
    return new PickleScan(found, embedded(globals.code()), unjudged, error.map(e -> PickleText.shorten(e, 400)));
  }

  /** True when loading the file in Python would run code beyond NVIDIA's network definitions. */
  public boolean isDangerous() {
    return outcome() == Outcome.DANGEROUS;
  }

  /** The verdict on the file as a whole; an incomplete scan ({@link #error()}) is never clean. */
  public Outcome outcome() {
    if (globals.stream().anyMatch(g -> g.verdict() == Verdict.DANGEROUS)
        || sources.stream().anyMatch(s -> !s.suspicious().isEmpty())) {
      return Outcome.DANGEROUS;
    }
    boolean unknown = globals.stream().anyMatch(g -> g.verdict() == Verdict.UNKNOWN) || !unjudged.isEmpty();
    return unknown || error.isPresent() ? Outcome.UNKNOWN : Outcome.CLEAN;
  }

  /** Human-readable findings, one per line: dangerous and unknown globals, suspicious source, what was not judged. */
  public List<String> findings() {
    List<String> out = new ArrayList<>();
    for (Global g : globals) {
      if (g.verdict() == Verdict.DANGEROUS) {
        out.add("DANGEROUS global " + g.name() + ": would execute code or reach the system when loaded in Python");
      } else if (g.verdict() == Verdict.UNKNOWN) {
        out.add("unknown global " + g.name() + ": not known inert data; Python would import and may call it");
      }
    }
    for (EmbeddedSource s : sources) {
      if (!s.suspicious().isEmpty()) {
        out.add("DANGEROUS embedded source of class " + s.className() + ": " + s.suspicious());
      }
    }
    unjudged.forEach(u -> out.add("not judged: " + u));
    error.ifPresent(e -> out.add("the file could not be read completely: " + e));
    return out;
  }

  private static boolean isPickle(byte[] bytes) {
    return bytes.length >= 2 && (bytes[0] & 0xff) == 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
  }

  /** One pickle, as pickle.load reads it, or the five of a legacy torch.save stream, as torch.load reads them. */
  private static void scanPickles(byte[] bytes, String source, PickleGlobals globals) throws ModelFormatException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    Object first = SafeUnpickler.loadOne(in, bytes.length, globals, PickleScan::storageStub, source);
    if (first instanceof BigInteger magic && magic.equals(TORCH_MAGIC)) {
      for (int i = 1; i < LEGACY_STREAM_PICKLES; i++) {
        SafeUnpickler.loadOne(in, bytes.length, globals, PickleScan::storageStub, source);
      }
    }
  }

  /**
   * A zip archive as torch.load reads it: every {@code .pkl} entry is unpickled. A TorchScript archive also holds
   * Python-like code that PyTorch compiles and runs; that is reported as not judged.
   */
  private static void scanZip(byte[] bytes, String source, PickleGlobals globals, List<String> unjudged)
      throws ModelFormatException {
    // java.util.zip reads torch's stored entries with data descriptors only through ZipFile, which needs a file.
    Path copy = null;
    try {
      copy = Files.createTempFile("finetoon-scan-", ".zip");
      Files.write(copy, bytes);
      try (ZipFile zip = new ZipFile(copy.toFile())) {
        int pickles = 0;
        for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
          String name = entry.getName();
          String where = PickleText.shorten(source + "[" + name + "]");
          if (name.contains("/code/") || name.startsWith("code/")) {
            if (unjudged.isEmpty()) {
              unjudged.add("a TorchScript program (" + PickleText.shorten(name) + "): PyTorch runs its code");
            }
          } else if (name.endsWith(".pkl")) {
            byte[] pickle;
            try (InputStream in = zip.getInputStream(entry)) {
              pickle = entryBytes(in, bytes.length, where);
            }
            if (!isPickle(pickle)) {
              throw new ModelFormatException(where + " is not a pickle of protocol 2 to 5");
            }
            SafeUnpickler.loadOne(
                new ByteArrayInputStream(pickle), pickle.length, globals, PickleScan::storageStub, where);
            pickles++;
          }
        }
        if (pickles == 0) {
          throw new ModelFormatException(source + " is a zip archive without a .pkl entry");
        }
      }
    } catch (ModelFormatException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelFormatException(source + ": not a readable zip archive: " + e.getMessage(), e);
    } finally {
      deleteQuietly(copy);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // A temporary copy in the system's temporary folder; the scan's outcome does not depend on it.
    }
  }

  /** An entry's bytes, refusing one that inflates beyond the archive's own size (torch stores entries as they are). */
  private static byte[] entryBytes(InputStream entry, int archiveBytes, String where) throws IOException {
    byte[] data = entry.readNBytes(archiveBytes + 1);
    if (data.length > archiveBytes) {
      throw new ModelFormatException(PickleText.shorten(where) + " inflates beyond the archive's " + archiveBytes
          + " bytes");
    }
    return data;
  }

  /** A persistent id {@code ('storage', type, key, location, numel, …)} as an empty storage: a scan reads no data. */
  private static Object storageStub(Object pid) {
    if (pid instanceof Object[] t && t.length >= 5 && t[1] instanceof StorageType type
        && t[4] instanceof Number numel) {
      return new TorchStorage(type, numel.longValue(), ByteBuffer.allocate(0));
    }
    return new InertObject("persistent id " + PickleText.describe(pid));
  }

  /** The recorded sources, each (class, text) once; a source that is not a str is itself dangerous. */
  private static List<EmbeddedSource> embedded(List<PickleGlobals.EmbeddedCode> code) {
    Map<List<Object>, EmbeddedSource> out = new LinkedHashMap<>();
    for (PickleGlobals.EmbeddedCode c : code) {
      String owner = PickleText.shorten(c.owner());
      if (c.source() instanceof String text) {
        // Keyed by the text itself, not a hash: a colliding source must not hide behind the real one.
        out.computeIfAbsent(List.of(owner, text), k -> new EmbeddedSource(owner,
            text.isEmpty() ? 0 : (int) text.lines().count(), PythonSourceCheck.findings(text)));
      } else if (c.source() != null) {
        out.put(List.of(owner, new Object()), new EmbeddedSource(owner, 0, List.of("the source is "
            + PickleText.describe(c.source()) + ", not a str (Python executes bytes and code objects too)")));
      }
    }
    return List.copyOf(out.values());
  }
}
