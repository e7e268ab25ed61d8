package dev.finetoon.cli;

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
            "verdict: clean: only what NVIDIA's files use")
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
  void aMissingFileIsAnError() {
    CliRun run = CliRun.of("scan", dir.resolve("nope.pkl"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("finetoon: error: no such file: ");
  }
}
