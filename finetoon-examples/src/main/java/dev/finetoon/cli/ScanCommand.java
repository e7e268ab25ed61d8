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
 * {@code finetoon scan}: what a pickle would do if Python loaded it, found without running anything: every global it
 * references with its verdict, the embedded network sources and anything suspicious in them. Exit code 3 when the
 * file is dangerous.
 */
@Command(
    name = "scan",
    description = "Report the globals and embedded code of a .pkl without running anything.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:no dangerous globals or embedded code (or a safetensors file)",
      "1:error: the file is missing or could not be read completely",
      "2:usage error",
      "3:dangerous: loading the file in Python would run code or reach the system"
    })
final class ScanCommand extends CliCommand {
  static final int DANGEROUS = 3;

  @Parameters(paramLabel = "FILE", description = "A .pkl (or a finetoon safetensors file).")
  private Path file;

  private boolean dangerous;

  @Override
  void run() throws IOException {
    PrintWriter out = out();
    out.println("file: " + file);
    if (isSafetensors(file)) {
      SafetensorsFile.Contents contents = SafetensorsFile.read(file);
      out.println("not a pickle: safetensors files hold no code (" + contents.tensors().size() + " tensors, format "
          + contents.metadata().getOrDefault("format", "not given") + ")");
      out.flush();
      return;
    }
    PickleScan scan = PickleScan.of(file);
    printGlobals(out, scan.globals());
    printSources(out, scan.sources());
    List<String> findings = scan.findings();
    out.println("findings:" + (findings.isEmpty() ? " none" : ""));
    findings.forEach(f -> out.println("  " + f));
    dangerous = scan.isDangerous();
    if (dangerous) {
      out.println("verdict: DANGEROUS: do not load this file in Python (finetoon itself never runs pickle code)");
    } else if (scan.error().isEmpty()) {
      long unknown = scan.globals().stream().filter(g -> g.verdict() == PickleScan.Verdict.UNKNOWN).count();
      out.println("verdict: clean" + (unknown == 0 ? ": only what NVIDIA's files use"
          : ": " + unknown + " unknown global(s), which finetoon reads as inert placeholders"));
    }
    out.flush();
    if (!dangerous && scan.error().isPresent()) {
      throw new ModelFormatException("the scan is incomplete: " + scan.error().get());
    }
  }

  @Override
  int exitCode() {
    return dangerous ? DANGEROUS : 0;
  }

  private static void printGlobals(PrintWriter out, List<PickleScan.Global> globals) {
    out.println("globals (" + globals.size() + "):");
    for (PickleScan.Global g : globals) {
      String verdict = g.verdict().name();
      verdict = g.verdict() == PickleScan.Verdict.DANGEROUS ? verdict : verdict.toLowerCase(Locale.ROOT);
      out.printf("  %-9s  %s%n", verdict, g.name());
    }
  }

  private static void printSources(PrintWriter out, List<PickleScan.EmbeddedSource> sources) {
    out.println("embedded sources, which Python runs on load (" + sources.size() + "):");
    for (PickleScan.EmbeddedSource s : sources) {
      out.printf("  %s: %d lines, %s%n", s.className(), s.lines(),
          s.suspicious().isEmpty() ? "nothing suspicious" : "SUSPICIOUS " + s.suspicious());
    }
  }

  /** A safetensors header: an 8-byte little-endian length within the file, then a JSON object. */
  private static boolean isSafetensors(Path file) throws IOException {
    byte[] head = new byte[9];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    long length = n == 9 ? ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() : -1;
    return n == 9 && head[8] == '{' && length > 0 && length <= Files.size(file) - 8;
  }
}
