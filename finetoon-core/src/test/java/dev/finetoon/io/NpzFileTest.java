package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.seed.NumpyRandomState;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzFileTest {
  /** As NVIDIA's projector saves projected_w.npz: key w, shape [1, num_ws, w_dim]. */
  private static final Map<String, NpyArray> ARRAYS =
      ImmutableMap.of(
          "w", NpyArray.of(new NumpyRandomState(1).randnFloat(1, 8, 32)),
          "img", NpyArray.ofUint8(new byte[] {0, (byte) 255, 7, 8, 9, 10}, 1, 2, 3),
          "steps", NpyArray.of(NpyDType.INT64, new byte[16], 2));
  /** Small enough to cut at every byte. */
  private static final Map<String, NpyArray> SMALL = ImmutableMap.of("a", ARRAYS.get("img"), "b", ARRAYS.get("steps"));

  @TempDir Path dir;

  @Test
  void roundTripsStoredAndCompressedKeepingTheOrder() throws IOException {
    Path stored = dir.resolve("stored.npz");
    Path compressed = dir.resolve("compressed.npz");
    NpzFile.write(stored, ARRAYS);
    NpzFile.writeCompressed(compressed, ARRAYS);
    for (Path file : new Path[] {stored, compressed}) {
      Map<String, NpyArray> read = NpzFile.read(file);
      assertThat(read).containsExactlyEntriesOf(ARRAYS);
      assertThat(read.get("w").toTensor().shape()).containsExactly(1, 8, 32);
    }
    assertThat(Files.size(compressed)).isLessThan(Files.size(stored));
  }

  @Test
  void writesTheSameBytesForTheSameArrays() throws IOException {
    NpzFile.write(dir.resolve("a.npz"), ARRAYS);
    NpzFile.write(dir.resolve("b.npz"), ARRAYS);
    assertThat(Files.readAllBytes(dir.resolve("a.npz"))).isEqualTo(Files.readAllBytes(dir.resolve("b.npz")));
  }

  @Test
  void readsArchivesNumpyWrote() throws Exception {
    // np.savez(f, w=np.arange(6, dtype=np.float32).reshape(2, 3) / 4, img=np.array([0, 255, 7], np.uint8)),
    // and the same with np.savez_compressed: zip64 local headers as Python's zipfile writes them.
    for (String name : new String[] {"numpy_savez.npz", "numpy_savez_compressed.npz"}) {
      Map<String, NpyArray> read = NpzFile.read(resource(name));
      assertThat(read.keySet()).as(name).containsExactly("w", "img");
      assertThat(read.get("w").toTensor()).isEqualTo(Tensor.of(new float[] {0, .25f, .5f, .75f, 1, 1.25f}, 2, 3));
      assertThat(read.get("img")).isEqualTo(NpyArray.ofUint8(new byte[] {0, (byte) 255, 7}, 3));
    }
  }

  @Test
  void refusesPickledObjectArrays() throws Exception {
    // np.savez(f, obj=np.array([{'a': 1}, None], dtype=object)): the entry's data is a pickle.
    assertThatThrownBy(() -> NpzFile.read(resource("numpy_object.npz")))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("obj.npy")
        .hasMessageContaining("Python objects")
        .hasMessageContaining("refuses");
  }

  @Test
  void refusesEntriesThatAreNotArrays() throws IOException {
    Path file = dir.resolve("other.npz");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("readme.txt"));
      zip.write("hello".getBytes(StandardCharsets.US_ASCII));
    }
    assertThatThrownBy(() -> NpzFile.read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("readme.txt")
        .hasMessageContaining("not an .npy entry");
    Path notZip = dir.resolve("plain.npz");
    Files.write(notZip, new byte[100]);
    assertThatThrownBy(() -> NpzFile.read(notZip))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("not a readable .npz");
  }

  @Test
  void refusesUndecodableEntryNames() throws IOException {
    byte[] bytes = write(SMALL, false);
    for (int i = 0; i + 5 <= bytes.length; i++) {
      if (new String(bytes, i, 5, StandardCharsets.ISO_8859_1).equals("b.npy")) {
        bytes[i] = (byte) 0xff; // not UTF-8
      }
    }
    Path file = dir.resolve("badname.npz");
    Files.write(file, bytes);
    assertThatThrownBy(() -> NpzFile.read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("badname.npz");
  }

  @Test
  void rejectsEmptyNames() {
    assertThatThrownBy(() -> NpzFile.write(dir.resolve("x.npz"), Map.of("", ARRAYS.get("img"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncationAtEveryByteGivesIoExceptions() throws IOException {
    for (boolean compressed : new boolean[] {false, true}) {
      byte[] whole = write(SMALL, compressed);
      Path file = dir.resolve("cut.npz");
      for (int length = 0; length < whole.length; length++) {
        Files.write(file, Arrays.copyOf(whole, length));
        assertThatThrownBy(() -> NpzFile.read(file))
            .as("compressed %s, length %s", compressed, length)
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void corruptedBytesGiveIoExceptionsOrArrays() throws IOException {
    Random random = new Random(5);
    Path file = dir.resolve("corrupt.npz");
    for (boolean compressed : new boolean[] {false, true}) {
      byte[] whole = write(SMALL, compressed);
      for (int trial = 0; trial < 500; trial++) {
        byte[] corrupt = whole.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
          corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
        }
        Files.write(file, corrupt);
        try {
          NpzFile.read(file);
        } catch (IOException expected) {
          // the point: nothing but IOExceptions
        } catch (RuntimeException e) {
          fail("compressed " + compressed + ", trial " + trial + " threw " + e, e);
        }
      }
    }
  }

  private byte[] write(Map<String, NpyArray> arrays, boolean compressed) throws IOException {
    Path file = dir.resolve("whole.npz");
    if (compressed) {
      NpzFile.writeCompressed(file, arrays);
    } else {
      NpzFile.write(file, arrays);
    }
    return Files.readAllBytes(file);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(NpzFileTest.class.getResource(name).toURI());
  }
}
