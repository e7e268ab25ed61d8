package dev.finetoon.io.pickle;

import com.google.common.collect.ImmutableList;
import dev.finetoon.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a pickle would do if Python loaded it, found without running anything: every global it references, judged
 * {@link Verdict#KNOWN} (what NVIDIA's files use), {@link Verdict#UNKNOWN} or {@link Verdict#DANGEROUS} (would run code
 * or reach the system), and the Python source embedded by NVIDIA's persistence, which Python executes on load,
 * searched for calls that have no business in a network definition.
 *
 * <pre>{@code
 * PickleScan scan = PickleScan.of(Path.of("community-toon.pkl"));
 * if (scan.isDangerous()) { scan.findings().forEach(System.out::println); }
 * }</pre>
 */
public record PickleScan(List<Global> globals, List<EmbeddedSource> sources, Optional<String> error) {
  /** How a global would behave in Python. */
  public enum Verdict {
    KNOWN,
    UNKNOWN,
    DANGEROUS
  }

  /** One global a pickle references. */
  public record Global(String name, Verdict verdict) {}

  /** The embedded module source of one persistent class, with the suspicious constructs found in it. */
  public record EmbeddedSource(String className, int lines, List<String> suspicious) {}

  /**
   * Constructs that NVIDIA's network sources never use and that a payload would: process and shell access, dynamic
   * evaluation, imports of system or network modules, file writes.
   */
  private static final Pattern SUSPICIOUS =
      Pattern.compile(
          "\\b(?:os\\.(?:system|popen|exec\\w*|spawn\\w*|remove|unlink|fork)|subprocess|eval\\s*\\(|exec\\s*\\("
              + "|__import__|compile\\s*\\(|import\\s+(?:os|sys|subprocess|socket|shutil|ctypes|urllib|requests|http)"
              + "\\b|from\\s+(?:os|subprocess|socket|shutil|ctypes|urllib|requests|http)\\s+import|socket\\.|urllib"
              + "|requests\\.|shutil\\.|ctypes|open\\s*\\([^)]*['\"][wa])");

  public PickleScan {
    globals = ImmutableList.copyOf(globals);
    sources = ImmutableList.copyOf(sources);
  }

  /**
   * Scans a pickle file, or the pickles of a {@code torch.save} file (zip archive or legacy stream). I/O errors are
   * thrown; a malformed pickle is reported in {@link #error()}.
   */
  public static PickleScan of(Path file) throws IOException {
    if (!TorchSaveFile.isTorchSave(file)) {
      return of(Files.readAllBytes(file), file.toString());
    }
    PickleGlobals globals = PickleGlobals.forScanning();
    try {
      return of(globals, TorchSaveFile.load(file, globals), Optional.empty());
    } catch (ModelFormatException e) {
      return of(globals, null, Optional.of(e.getMessage()));
    }
  }

  /** Scans pickle bytes; {@code source} names them in the error. */
  public static PickleScan of(byte[] bytes, String source) {
    PickleGlobals globals = PickleGlobals.forScanning();
    Object top = null;
    Optional<String> error = Optional.empty();
    try {
      top = NvidiaPickleReader.unpickle(bytes, source, globals);
    } catch (ModelFormatException e) {
      error = Optional.of(e.getMessage());
    }
    return of(globals, top, error);
  }

  private static PickleScan of(PickleGlobals globals, Object top, Optional<String> error) {
    List<Global> found = new ArrayList<>();
    for (String name : globals.seen()) {
      int dot = name.lastIndexOf('.');
      String module = dot < 0 ? name : name.substring(0, dot);
      String attribute = dot < 0 ? name : name.substring(dot + 1);
      Verdict verdict =
          PickleGlobals.isDangerous(module, attribute)
              ? Verdict.DANGEROUS
              : PickleGlobals.isKnown(module, attribute) ? Verdict.KNOWN : Verdict.UNKNOWN;
      found.add(new Global(name, verdict));
    }
    Map<String, EmbeddedSource> sources = new LinkedHashMap<>();
    collectSources(top, sources);
    return new PickleScan(found, List.copyOf(sources.values()), error);
  }

  /** True when loading the file in Python would run code beyond NVIDIA's network definitions. */
  public boolean isDangerous() {
    return globals.stream().anyMatch(g -> g.verdict() == Verdict.DANGEROUS)
        || sources.stream().anyMatch(s -> !s.suspicious().isEmpty());
  }

  /** Human-readable findings, one per line: dangerous and unknown globals, suspicious embedded source. */
  public List<String> findings() {
    List<String> out = new ArrayList<>();
    for (Global g : globals) {
      if (g.verdict() == Verdict.DANGEROUS) {
        out.add("DANGEROUS global " + g.name() + ": would execute code or reach the system when loaded in Python");
      } else if (g.verdict() == Verdict.UNKNOWN) {
        out.add("unknown global " + g.name() + ": not used by NVIDIA's StyleGAN2-ADA files");
      }
    }
    for (EmbeddedSource s : sources) {
      if (!s.suspicious().isEmpty()) {
        out.add("DANGEROUS embedded source of class " + s.className() + ": " + s.suspicious());
      }
    }
    error.ifPresent(e -> out.add("the file could not be read completely: " + e));
    return out;
  }

  /** Walks the loaded object graph iteratively (a hostile file may nest deeply), each object once. */
  private static void collectSources(Object top, Map<String, EmbeddedSource> out) {
    Set<Object> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    java.util.Deque<Object> pending = new java.util.ArrayDeque<>();
    if (top != null) {
      pending.push(top);
    }
    while (!pending.isEmpty()) {
      Object value = pending.pop();
      if (!visited.add(value)) {
        continue;
      }
      if (value instanceof PersistentModule module) {
        String src = module.moduleSource();
        out.computeIfAbsent(module.className() + "@" + src.hashCode(), k -> embedded(module.className(), src));
        pending.push(module.state());
      } else if (value instanceof TfNetwork network) {
        // dnnlib.tflib.network.Network.__setstate__ executes build_module_src when Python unpickles it.
        String src = network.state().get("build_module_src") instanceof String text ? text : "";
        String name = "TensorFlow network " + network.state().get("name");
        out.computeIfAbsent(name + "@" + src.hashCode(), k -> embedded(name, src));
        pending.push(network.state());
      } else if (value instanceof Map<?, ?> map) {
        map.values().forEach(v -> pushIfPresent(pending, v));
      } else if (value instanceof List<?> list) {
        list.forEach(v -> pushIfPresent(pending, v));
      } else if (value instanceof Object[] array) {
        for (Object v : array) {
          pushIfPresent(pending, v);
        }
      }
    }
  }

  private static void pushIfPresent(java.util.Deque<Object> pending, Object value) {
    if (value != null) {
      pending.push(value);
    }
  }

  private static EmbeddedSource embedded(String className, String source) {
    List<String> suspicious = new ArrayList<>();
    var matcher = SUSPICIOUS.matcher(source);
    while (matcher.find() && suspicious.size() < 20) {
      if (!suspicious.contains(matcher.group())) {
        suspicious.add(matcher.group());
      }
    }
    return new EmbeddedSource(className, source.isEmpty() ? 0 : (int) source.lines().count(), suspicious);
  }
}
