package dev.finetoon.io;

import static dev.finetoon.testing.HostileInput.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.ModelFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small safetensors and .npz files that claim gigabytes. Run with a 256 MB heap (the {@code *BudgetTest} execution):
 * before the checks each of these ran out of memory.
 */
class ReaderBudgetTest {
  @TempDir Path dir;

  @Test
  void safetensorsEntriesThatOverlapAreRefused() {
    // 200 tensors that are all views of the same 8 MB: 1.6 GB of float32 from an 8 MB file.
    StringBuilder header = new StringBuilder("{");
    for (int i = 0; i < 200; i++) {
      header.append(i == 0 ? "" : ",").append("\"t").append(i)
          .append("\":{\"dtype\":\"F32\",\"shape\":[2097152],\"data_offsets\":[0,8388608]}");
    }
    byte[] file = SafetensorsBytes.file(header.append('}').toString(), new byte[8 << 20]);

    ModelFormatException e = refused("overlapping safetensors", ModelFormatException.class,
        () -> SafetensorsFile.read(file));

    assertThat(e).hasMessageContaining("overlaps the tensor before it");
  }

  @Test
  void safetensorsEntriesWithAGapOrUnusedBytesAreRefused() {
    String gap = "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'b':{'dtype':'F32','shape':[1],"
        + "'data_offsets':[8,12]}}";
    String tail = "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}";

    assertThat(refused("safetensors gap", ModelFormatException.class,
        () -> SafetensorsFile.read(SafetensorsBytes.file(SafetensorsBytes.json(gap), new byte[12]))))
        .hasMessageContaining("leaves a gap");
    assertThat(refused("safetensors unused bytes", ModelFormatException.class,
        () -> SafetensorsFile.read(SafetensorsBytes.file(SafetensorsBytes.json(tail), new byte[12]))))
        .hasMessageContaining("belongs to no tensor");
  }

  @Test
  void anNpzEntryThatWouldInflateToGigabytesIsRefusedByItsHeader() throws IOException {
    // An .npy header announcing 1 GiB of float32, then 300 MB of zeros deflated to some 300 kB.
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }";
    String padded = dict + " ".repeat(127 - 10 - dict.length()) + "\n";
    Path file = dir.resolve("bomb.npz");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.setLevel(Deflater.BEST_COMPRESSION);
      zip.putNextEntry(new ZipEntry("w.npy"));
      zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) padded.length(), 0});
      zip.write(padded.getBytes(StandardCharsets.US_ASCII));
      writeZeros(zip, 300L << 20);
    }

    ModelFormatException e = refused("npz bomb", ModelFormatException.class, () -> NpzFile.read(file));

    assertThat(e)
        .hasMessageContaining("announces 1073741824 bytes of data, more than the " + NpzFile.DEFAULT_MAX_BYTES);
    assertThat(refused("npz bomb, 1 kB budget", ModelFormatException.class, () -> NpzFile.read(file, 1024)))
        .hasMessageContaining("more than the 1024 left");
  }

  @Test
  void aSafetensorsHeaderLengthBeyondTheFileIsNamedAsSuch() throws IOException {
    Path file = Files.write(dir.resolve("short.safetensors"),
        SafetensorsBytes.file(1 << 20, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]));

    assertThat(refused("safetensors header length", ModelFormatException.class, () -> ModelFiles.read(file)))
        .hasMessageContaining("looks like a safetensors file, but its header length 1048576 does not fit");
  }

  private static void writeZeros(OutputStream out, long count) throws IOException {
    byte[] zeros = new byte[1 << 20];
    for (long left = count; left > 0; left -= zeros.length) {
      out.write(zeros, 0, (int) Math.min(zeros.length, left));
    }
  }
}
