package dev.finetoon.io;

import static dev.finetoon.io.SafetensorsBytes.doubles;
import static dev.finetoon.io.SafetensorsBytes.file;
import static dev.finetoon.io.SafetensorsBytes.json;
import static dev.finetoon.io.SafetensorsBytes.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.Bytes;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;

  private static final Map<String, Tensor> TENSORS =
      ImmutableMap.of(
          "z.weight", Tensor.of(new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE, Float.POSITIVE_INFINITY, 7}, 2, 3),
          "a.bias", Tensor.of(new float[] {42}),
          "empty", Tensor.zeros(2, 0, 3),
          "scalar", Tensor.of(new float[] {-3.25f}, new int[0]),
          "ünïcode ✓", Tensor.of(new float[] {0.1f, 0.2f}, 1, 2));

  @Test
  void roundTripIsExactAndKeepsOrder() throws IOException {
    Path path = dir.resolve("model.safetensors");
    Map<String, String> metadata = ImmutableMap.of("format", "pt", "note", "ünïcode \"quoted\"");

    SafetensorsFile.write(path, TENSORS, metadata);
    SafetensorsFile.Contents fromPath = SafetensorsFile.read(path);
    SafetensorsFile.Contents fromBytes = SafetensorsFile.read(Files.readAllBytes(path));

    for (SafetensorsFile.Contents contents : new SafetensorsFile.Contents[] {fromPath, fromBytes}) {
      assertThat(contents.tensors()).containsExactlyEntriesOf(TENSORS);
      assertThat(contents.metadata()).containsExactlyEntriesOf(metadata);
      assertThat(contents.tensors().get("z.weight").toArray()[1]).isEqualTo(-0f);
      assertThat(contents.tensors().get("scalar").rank()).isZero();
    }
  }

  @Test
  void writesTheReferenceLayout() throws IOException {
    Path path = dir.resolve("small.safetensors");
    SafetensorsFile.write(path, ImmutableMap.of("w", Tensor.of(new float[] {1, -2}, 2)), ImmutableMap.of("k", "v"));

    String header = json("{'__metadata__':{'k':'v'},'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}");
    String padded = header + " ".repeat((8 - header.length() % 8) % 8);
    byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(-2).array();
    assertThat(Files.readAllBytes(path)).isEqualTo(file(padded, data));
    assertThat(padded.length() % 8).isZero();
  }

  @Test
  void emptyFileWithoutMetadataRoundTrips() throws IOException {
    Path path = dir.resolve("empty.safetensors");
    SafetensorsFile.write(path, ImmutableMap.of(), ImmutableMap.of());

    assertThat(Files.readAllBytes(path)).isEqualTo(file("{}      ", new byte[0]));
    assertThat(SafetensorsFile.read(path)).isEqualTo(new SafetensorsFile.Contents(Map.of(), Map.of()));
  }

  @Test
  void readsAHandWrittenFileOfEveryDtype() throws IOException {
    // Keys out of offset order, an unpadded header and unknown fields are all allowed by the format (trailing bytes
    // are not: the tensors must tile the data section, see ReaderBudgetTest).
    String header =
        json(
            "{'bf16':{'dtype':'BF16','shape':[3],'data_offsets':[16,22]},"
                + "'f16':{'dtype':'F16','shape':[2,4],'data_offsets':[0,16],'extra':true},"
                + "'__metadata__':{'source':'by hand'},"
                + "'f64':{'dtype':'F64','shape':[2],'data_offsets':[22,38]},"
                + "'f32':{'dtype':'F32','shape':[],'data_offsets':[38,42]}}");
    byte[] f16 = shorts(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x8000, 0x7C00, 0x3555);
    byte[] bf16 = shorts(0x3F80, 0xC040, 0xFF80);
    byte[] f64 = doubles(0.1, 1e300);
    byte[] f32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).array();
    SafetensorsFile.Contents contents = SafetensorsFile.read(file(header, Bytes.concat(f16, bf16, f64, f32)));

    assertThat(contents.tensors().keySet()).containsExactly("bf16", "f16", "f64", "f32");
    assertThat(contents.metadata()).containsExactly(Map.entry("source", "by hand"));
    Tensor half = contents.tensors().get("f16");
    assertThat(half.shape()).containsExactly(2, 4);
    assertThat(half.toArray())
        .containsExactly(
            1f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, -0f, Float.POSITIVE_INFINITY, 0.333251953125f);
    assertThat(Float.floatToRawIntBits(half.toArray()[5])).isEqualTo(0x80000000);
    assertThat(contents.tensors().get("bf16").toArray()).containsExactly(1f, -3f, Float.NEGATIVE_INFINITY);
    assertThat(contents.tensors().get("f64").toArray()).containsExactly(0.1f, Float.POSITIVE_INFINITY);
    assertThat(contents.tensors().get("f32")).isEqualTo(Tensor.of(new float[] {2.5f}, new int[0]));
  }

  @Test
  void readsOffsetsBeyondTwoGibibytesAsSuchAndRefusesTheGapBeforeThem() throws IOException {
    long begin = 1L << 31;
    String header = json("{'far':{'dtype':'BF16','shape':[2],'data_offsets':[" + begin + "," + (begin + 4) + "]}}");
    byte[] start = file(header, new byte[0]);
    Path path = dir.resolve("sparse.safetensors");
    try (RandomAccessFile sparse = new RandomAccessFile(path.toFile(), "rw")) {
      sparse.write(start);
      sparse.seek(start.length + begin);
      sparse.write(shorts(0x3F80, 0x4000));
    }

    // A file over 2 GiB is mapped and its offsets read as 64-bit; its tensors must tile the data section, and reading
    // 2 GiB of tensors is beyond a unit test, so this one is refused for the 2 GiB before 'far' that no tensor holds.
    assertThatThrownBy(() -> SafetensorsFile.read(path))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("'far' leaves a gap: its data starts at byte 2147483648, not at byte 0");
  }

  @Test
  void failedWriteLeavesAnExistingTargetUntouched() throws IOException {
    Path path = dir.resolve("model.safetensors");
    SafetensorsFile.write(path, TENSORS, ImmutableMap.of());
    byte[] before = Files.readAllBytes(path);

    assertThatThrownBy(() -> SafetensorsFile.write(path, failingWhenIterated(), ImmutableMap.of()))
        .isInstanceOf(IllegalStateException.class);

    assertThat(Files.readAllBytes(path)).isEqualTo(before);
    assertThat(filesIn(dir)).containsExactly(path);
  }

  @Test
  void failedMoveOverADirectoryLeavesItAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("model.safetensors");
    Path inside = Files.createDirectories(target).resolve("keep.txt");
    Files.writeString(inside, "kept");

    assertThatThrownBy(() -> SafetensorsFile.write(target, TENSORS, ImmutableMap.of())).isInstanceOf(IOException.class);

    assertThat(Files.isDirectory(target)).isTrue();
    assertThat(Files.readString(inside)).isEqualTo("kept");
    assertThat(filesIn(dir)).containsExactly(target);
  }

  @Test
  void refusesTheReservedMetadataKeyAsATensorName() {
    Path path = dir.resolve("bad.safetensors");

    assertThatThrownBy(
            () -> SafetensorsFile.write(path, ImmutableMap.of("__metadata__", Tensor.zeros(1)), ImmutableMap.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("__metadata__");
    assertThat(path).doesNotExist();
  }

  private static Path[] filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toArray(Path[]::new);
    }
  }

  /** A map that fails when iterated, like a lazily computed map whose source breaks. */
  private static Map<String, Tensor> failingWhenIterated() {
    return new AbstractMap<>() {
      @Override
      public Set<Map.Entry<String, Tensor>> entrySet() {
        throw new IllegalStateException("source of tensors broke");
      }
    };
  }
}
