package dev.finetoon.cli;

import dev.finetoon.ModelFormatException;
import dev.finetoon.io.SafetensorsFile;
import dev.finetoon.io.pickle.PickleScan;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code finetoon scan}: what a file would do if Python loaded it, found without running anything: every global it
 * references with its verdict, the embedded sources and what they can reach. A file is scanned as every format it
 * parses as: a safetensors header does not stop the scan of a pickle in the same bytes. Exit code 3 when the file is
 * dangerous, 4 when something in it cannot be judged.
 */
@Command(
    name = "scan",
    description = "Report the globals and embedded code of a .pkl or .pt without running anything.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:clean: only known inert data and network sources that reach nothing dangerous (or a safetensors file)",
      "1:error: the file is missing, not a regular file, or could not be read completely",
      "2:usage error",
      "3:dangerous: loading the file in Python would run code or reach the system",
      "4:unknown: it references globals or code finetoon cannot judge; do not load it in Python"
    })
final class ScanCommand extends CliCommand {
  static final int DANGEROUS = 3;
  static final int UNKNOWN = 4;

  @Parameters(paramLabel = "FILE", description = "A .pkl or .pt (or a finetoon safetensors file).")
  private Path file;

  private PickleScan.Outcome outcome = PickleScan.Outcome.CLEAN;

  @Override
  void run() throws IOException {
    PrintWriter out = out();
    out.println("file: " + TerminalText.safe(file));
    byte[] head = head(file);
    boolean pickle = head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
    boolean zip = head.length >= 2 && head[0] == 'P' && head[1] == 'K';
    if (isSafetensors(head, Files.size(file))) {
      try {
        SafetensorsFile.Contents contents = SafetensorsFile.read(file);
        out.println("safetensors: " + contents.tensors().size() + " tensors, format "
            + TerminalText.safe(contents.metadata().getOrDefault("format", "not given")));
      } catch (ModelFormatException e) {
        if (!pickle) {
          throw e;
        }
        out.println("safetensors: not readable as one (" + TerminalText.safe(e.getMessage()) + ")");
      }
      if (!pickle) {
        out.println("not a pickle: safetensors files hold no code");
        out.flush();
        return;
      }
      out.println("it is also a pickle, which Python's pickle.load would run: scanning it as one");
    } else if (!pickle && !zip) {
      throw new ModelFormatException(TerminalText.safe(file) + " is neither a pickle, a torch zip archive nor a "
          + "safetensors file");
    }
    PickleScan scan = PickleScan.of(file);
    printGlobals(out, scan.globals());
    printSources(out, scan.sources());
    List<String> findings = scan.findings();
    out.println("findings:" + (findings.isEmpty() ? " none" : ""));
    findings.forEach(f -> out.println("  " + TerminalText.safe(f)));
    outcome = scan.outcome();
    switch (outcome) {
      case DANGEROUS -> out.println(
          "verdict: DANGEROUS: do not load this file in Python (finetoon itself never runs pickle code)");
      case UNKNOWN -> out.println("verdict: UNKNOWN: finetoon cannot judge everything in it; do not load it in Python"
          + " unless you trust its source");
      case CLEAN -> out.println("verdict: clean: only known inert data and network sources that reach nothing"
          + " dangerous");
    }
    out.flush();
    if (outcome != PickleScan.Outcome.DANGEROUS && scan.error().isPresent()) {
      throw new ModelFormatException("the scan is incomplete: " + scan.error().get());
    }
  }

  @Override
  int exitCode() {
    return switch (outcome) {
      case DANGEROUS -> DANGEROUS;
      case UNKNOWN -> UNKNOWN;
      case CLEAN -> 0;
    };
  }

  private static void printGlobals(PrintWriter out, List<PickleScan.Global> globals) {
    out.println("globals (" + globals.size() + "):");
    for (PickleScan.Global g : globals) {
      String verdict = g.verdict().name();
      verdict = g.verdict() == PickleScan.Verdict.DANGEROUS ? verdict : verdict.toLowerCase(Locale.ROOT);
      out.printf("  %-9s  %s%n", verdict, TerminalText.safe(g.name()));
    }
  }

  private static void printSources(PrintWriter out, List<PickleScan.EmbeddedSource> sources) {
    out.println("embedded sources, which Python runs on load (" + sources.size() + "):");
    for (PickleScan.EmbeddedSource s : sources) {
      out.printf("  %s: %d lines, %s%n", TerminalText.safe(s.className()), s.lines(),
          s.suspicious().isEmpty() ? "nothing suspicious" : "SUSPICIOUS " + TerminalText.safe(s.suspicious()));
    }
  }

  /** The first bytes of a regular file; a device, a pipe or a folder is refused before anything is read. */
  private static byte[] head(Path file) throws IOException {
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new ModelFormatException(TerminalText.safe(file) + " is not a regular file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(9);
    }
  }

  /** A safetensors header: an 8-byte little-endian length within the file, then a JSON object. */
  private static boolean isSafetensors(byte[] head, long size) {
    long length = head.length == 9 ? ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() : -1;
    return head.length == 9 && head[8] == '{' && length > 0 && length <= size - 8;
  }
}
