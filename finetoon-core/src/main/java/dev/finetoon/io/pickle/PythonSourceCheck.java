package dev.finetoon.io.pickle;

import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges embedded Python source (NVIDIA's {@code module_src}, TensorFlow's {@code build_module_src}), which Python
 * executes when it loads the file, by what it can reach rather than by a list of known payloads. Written by hand: no
 * Java library parses Python. The source is split into names, dots and the rest (comments and string literals
 * skipped; an f-string's text is read as code, since its braces are), and it is suspicious when it
 *
 * <ul>
 *   <li>imports a module outside {@link #IMPORTABLE} (NVIDIA's networks import only torch, numpy, scipy and their
 *       own packages), imports {@code *}, or imports relatively;
 *   <li>reaches through an imported module a path {@link GlobalRules} calls dangerous ({@code torch.load},
 *       {@code np.lib.npyio}, {@code torch.os.system}, {@code dnnlib.util.call_func_by_name}, …), or uses an
 *       imported module other than through an attribute (it could be handed to code that reaches anything);
 *   <li>names a builtin that evaluates, imports, opens files or looks up attributes by string ({@code exec},
 *       {@code eval}, {@code compile}, {@code __import__}, {@code open}, {@code globals}, {@code vars},
 *       {@code __builtins__}, …); {@code getattr}/{@code setattr} only on {@code self}, as NVIDIA's code does;
 *   <li>uses a dunder attribute other than a few harmless ones ({@code __init__}, {@code __name__}, …), which is how
 *       code reaches the interpreter's internals ({@code __globals__}, {@code __subclasses__}, {@code __dict__}).
 * </ul>
 *
 * <p>A check of what the code can reach, not a proof: code that only computes cannot be told from code that computes
 * wrongly on purpose. Every construct NVIDIA's, stylegan3's and TensorFlow's network sources use passes.
 */
final class PythonSourceCheck {
  /** Top-level modules a network definition may import. */
  private static final ImmutableSet<String> IMPORTABLE =
      ImmutableSet.of(
          "torch", "torch_utils", "numpy", "scipy", "dnnlib", "tensorflow", "math", "copy", "typing", "numbers",
          "dataclasses", "enum", "abc", "itertools", "collections", "warnings", "re", "__future__", "training");

  /** Builtins that run code, import, open files, or reach objects by name. */
  private static final ImmutableSet<String> FORBIDDEN_NAMES =
      ImmutableSet.of(
          "exec", "eval", "execfile", "compile", "__import__", "open", "file", "globals",
          "locals", "vars", "breakpoint", "help", "exit", "quit", "reload", "memoryview", "delattr", "__builtins__",
          "__builtin__", "builtins", "__loader__", "__spec__");

  /** Dunder names that only name or initialise things. */
  private static final ImmutableSet<String> HARMLESS_DUNDERS =
      ImmutableSet.of("__init__", "__name__", "__qualname__", "__doc__", "__class__", "__module__", "__future__");

  private PythonSourceCheck() {}

  /** What the source can do that no network definition needs, one short phrase each; empty when nothing. */
  static List<String> findings(String source) {
    return new Walk(tokens(source)).run();
  }

  private record Token(String text, boolean name) {}

  private static final class Walk {
    private final List<Token> tokens;
    private final Map<String, String> modules = new HashMap<>();
    private final Set<String> found = new LinkedHashSet<>();

    Walk(List<Token> tokens) {
      this.tokens = tokens;
    }

    List<String> run() {
      for (int i = 0; i < tokens.size(); i++) {
        Token t = tokens.get(i);
        if (!t.name()) {
          continue;
        }
        boolean attribute = i > 0 && tokens.get(i - 1).text().equals(".");
        if (t.text().equals("from") && !attribute) {
          i = fromImport(i);
        } else if (t.text().equals("import") && !attribute) {
          i = importList(i + 1, null);
        } else if (isDunder(t.text()) && !HARMLESS_DUNDERS.contains(t.text()) && !text(i - 1).equals("def")) {
          found.add("uses " + t.text());
        } else if (!attribute && FORBIDDEN_NAMES.contains(t.text())) {
          found.add("calls " + t.text());
        } else if (!attribute && (t.text().equals("getattr") || t.text().equals("setattr"))
            && !(text(i + 1).equals("(") && text(i + 2).equals("self") && text(i + 3).equals(","))) {
          found.add(t.text() + " on something other than self");
        } else if (!attribute && modules.containsKey(t.text())) {
          i = modulePath(i);
        }
      }
      return new ArrayList<>(found);
    }

    /** {@code from m import x [as y], …}; returns the index of its last token. */
    private int fromImport(int at) {
      int i = at + 1;
      if (text(i).equals(".")) {
        found.add("imports relatively");
        return at;
      }
      StringBuilder module = new StringBuilder(text(i++));
      while (text(i).equals(".")) {
        module.append('.').append(text(i + 1));
        i += 2;
      }
      return text(i).equals("import") ? importList(i + 1, module.toString()) : at;
    }

    /**
     * The names after {@code import}: {@code a.b [as c], …} (binding {@code a}, or {@code c} to {@code a.b}), or
     * after {@code from m import}, {@code x [as y], …} (binding {@code x} or {@code y} to {@code m.x}).
     */
    private int importList(int at, String from) {
      int i = text(at).equals("(") ? at + 1 : at;
      while (i < tokens.size()) {
        if (text(i).equals("*")) {
          found.add("imports * from " + from);
          return i;
        }
        if (!tokens.get(i).name()) {
          return i - 1;
        }
        StringBuilder path = new StringBuilder(text(i++));
        while (from == null && text(i).equals(".")) {
          path.append('.').append(text(i + 1));
          i += 2;
        }
        String full = from == null ? path.toString() : from + "." + path;
        String alias = from == null ? path.toString().split("\\.")[0] : path.toString();
        String bound = from == null ? alias : full;
        if (text(i).equals("as")) {
          alias = text(i + 1);
          bound = full;
          i += 2;
        }
        imported(full);
        modules.put(alias, bound);
        if (!text(i).equals(",")) {
          return text(i).equals(")") ? i : i - 1;
        }
        i++;
      }
      return i;
    }

    private void imported(String module) {
      String top = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
      if (!IMPORTABLE.contains(top)) {
        found.add("imports " + module);
      } else {
        judge(module);
      }
    }

    /** An imported module's name at {@code at}: the attribute path it starts, judged as a global would be. */
    private int modulePath(int at) {
      StringBuilder path = new StringBuilder(modules.get(text(at)));
      int i = at;
      while (text(i + 1).equals(".") && i + 2 < tokens.size() && tokens.get(i + 2).name()) {
        path.append('.').append(text(i + 2));
        i += 2;
      }
      if (i == at) {
        found.add("passes the module " + text(at) + " around");
      } else {
        judge(path.toString());
      }
      return i;
    }

    private void judge(String path) {
      int dot = path.lastIndexOf('.');
      if (dot > 0 && GlobalRules.judge(path.substring(0, dot), path.substring(dot + 1))
          == PickleScan.Verdict.DANGEROUS) {
        found.add("reaches " + path);
      }
    }

    private String text(int i) {
      return i >= 0 && i < tokens.size() ? tokens.get(i).text() : "";
    }
  }

  private static boolean isDunder(String name) {
    return name.length() > 4 && name.startsWith("__") && name.endsWith("__");
  }

  /** Names, and every other non-blank character as a token of its own; comments and plain strings dropped. */
  private static List<Token> tokens(String source) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (c == '#') {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\'' || c == '"') {
        boolean fString = !out.isEmpty() && out.get(out.size() - 1).name()
            && out.get(out.size() - 1).text().toLowerCase(java.util.Locale.ROOT).matches("[rbu]?f[rb]?");
        int end = stringEnd(source, i);
        if (fString) {
          out.remove(out.size() - 1);
          out.addAll(tokens(source.substring(i + 1, Math.max(i + 1, end - 1))));
        }
        i = end;
      } else if (Character.isJavaIdentifierStart(c) && c != '$') {
        int start = i;
        while (i < n && Character.isJavaIdentifierPart(source.charAt(i)) && source.charAt(i) != '$') {
          i++;
        }
        out.add(new Token(source.substring(start, i), true));
      } else {
        if (!Character.isWhitespace(c)) {
          out.add(new Token(String.valueOf(c), false));
        }
        i++;
      }
    }
    return out;
  }

  /** The index just past the string literal opening at {@code start} (single, double or triple quoted). */
  private static int stringEnd(String source, int start) {
    char quote = source.charAt(start);
    boolean triple = source.startsWith(String.valueOf(quote).repeat(3), start);
    int i = start + (triple ? 3 : 1);
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (triple ? source.startsWith(String.valueOf(quote).repeat(3), i) : c == quote) {
        return i + (triple ? 3 : 1);
      } else if (!triple && c == '\n') {
        return i;
      } else {
        i++;
      }
    }
    return source.length();
  }
}
