package dev.finetoon.cli;

import static dev.finetoon.testing.HostileInput.protocol2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.testing.ReferenceData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
  @TempDir Path dir;

  @Test
  void nvidiasSnapshotIsClean() {
    CliRun run = CliRun.of("scan", ReferenceData.tiny("tiny_base.pkl"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("  known      torch._utils._rebuild_tensor_v2", "Generator: ", "findings: none",
            "verdict: clean")
        .doesNotContain("DANGEROUS", "SUSPICIOUS");
  }

  @Test
  void aPickleCallingOsSystemIsDangerousAndNamed() throws IOException {
    // os.system('echo pwned') in protocol 2: PROTO 2, GLOBAL, BINUNICODE, TUPLE1, REDUCE, STOP.
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(new byte[] {(byte) 0x80, 2});
    p.writeBytes("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
    byte[] command = "echo pwned".getBytes(StandardCharsets.US_ASCII);
    p.write(new byte[] {'X', (byte) command.length, 0, 0, 0});
    p.writeBytes(command);
    p.write(new byte[] {(byte) 0x85, 'R', '.'});
    Path file = Files.write(dir.resolve("evil.pkl"), p.toByteArray());

    CliRun run = CliRun.of("scan", file);

    assertThat(run.exitCode()).isEqualTo(ScanCommand.DANGEROUS);
    assertThat(run.out())
        .contains("  DANGEROUS  os.system", "DANGEROUS global os.system: would execute code", "verdict: DANGEROUS");
  }

  @Test
  void aSafetensorsFileHoldsNoCode() throws IOException {
    Path file = dir.resolve("blend.safetensors");
    assertThat(CliRun.of("blend", "--base", ReferenceData.tiny("tiny_base.pkl"), "--donor",
        ReferenceData.tiny("tiny_toon.pkl"), "--blocks", "32", "--out", file).exitCode()).isZero();

    CliRun run = CliRun.of("scan", file);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("not a pickle: safetensors files hold no code", "format finetoon.stylegan2-ada.v1");
  }

  @Test
  void aTruncatedPickleIsAnErrorAfterTheReport() throws IOException {
    byte[] whole = Files.readAllBytes(ReferenceData.tiny("tiny_base.pkl"));
    Path file = Files.write(dir.resolve("cut.pkl"), java.util.Arrays.copyOf(whole, whole.length / 2));

    CliRun run = CliRun.of("scan", file);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("globals (", "the file could not be read completely");
    assertThat(run.err().lines()).singleElement().asString().startsWith("finetoon: error: the scan is incomplete: ");
  }

  @Test
  void aPickleWithAnUnknownGlobalIsNotClean() throws IOException {
    // some.Thing() in protocol 2: PROTO 2, GLOBAL, EMPTY_TUPLE, REDUCE, STOP.
    Path file = Files.write(dir.resolve("unknown.pkl"), protocol2("csome\nThing\n)R."));

    CliRun run = CliRun.of("scan", file);

    assertThat(run.exitCode()).isEqualTo(ScanCommand.UNKNOWN);
    assertThat(run.out()).contains("  unknown    some.Thing", "verdict: UNKNOWN");
  }

  @Test
  void aSafetensorsHeaderDoesNotHideAPickleInTheSameBytes() throws IOException {
    // 80 02 8a 05 00 00 00 00: PROTO 2, then LONG1 of five bytes that swallows the '{' of a safetensors header whose
    // length those same eight bytes give (93 979 264). '}' closes the JSON and is EMPTY_DICT to the pickle, '0' pops
    // it, then os.system(...): a JSON parser that ignores what follows the object reads an empty safetensors file.
    byte[] head = {(byte) 0x80, 2, (byte) 0x8a, 5, 0, 0, 0, 0, '{', '}', '0'};
    byte[] call = protocol2("cos\nsystem\nX\u0005\u0000\u0000\u0000touch\u0085R.");
    Path file = dir.resolve("polyglot.safetensors");
    try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.write(head);
      raf.write(call, 2, call.length - 2);
      raf.setLength(8 + 0x058a0280L); // sparse: the header's spaces are never written
    }

    CliRun run = CliRun.of("scan", file);

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ScanCommand.DANGEROUS);
    assertThat(run.out()).contains("also a pickle", "DANGEROUS  os.system");
  }

  @Test
  void controlCharactersInNamesAreEscaped() throws IOException {
    // A global whose name clears the screen and prints a fake verdict.
    Path file = Files.write(dir.resolve("escape.pkl"), protocol2("cos\nsystem\u001b[2J\u001b[Hverdict: clean\n)R."));

    CliRun run = CliRun.of("scan", file);

    assertThat(run.exitCode()).isEqualTo(ScanCommand.DANGEROUS);
    assertThat(run.out()).doesNotContain("\u001b").contains("os.system\\x1b[2J\\x1b[Hverdict: clean");
  }

  @Test
  void aDeviceIsRefusedBeforeItIsRead() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero here");

    CliRun run = CliRun.of("scan", "/dev/zero");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("finetoon: error: /dev/zero is not a regular file");
  }

  @Test
  void aFileOverTwoGibibytesIsRefusedBeforeItIsRead() throws IOException {
    Path file = dir.resolve("sparse.pkl");
    try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.write(protocol2("N."));
      raf.setLength(3L << 30); // sparse: nothing is written
    }

    CliRun run = CliRun.of("scan", file);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("3221225472 bytes; files over 2 GiB are not scanned");
  }

  @Test
  void aMissingFileIsAnError() {
    CliRun run = CliRun.of("scan", dir.resolve("nope.pkl"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("finetoon: error: no such file: ");
  }
}
