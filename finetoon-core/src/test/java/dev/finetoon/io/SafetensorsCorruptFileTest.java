package dev.finetoon.io;

import static dev.finetoon.io.SafetensorsBytes.file;
import static dev.finetoon.io.SafetensorsBytes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Corrupt and hostile files: each must fail with a {@link ModelFormatException} that names the problem. */
class SafetensorsCorruptFileTest {
  @TempDir Path dir;

  @Test
  void everyTruncationFails() throws IOException {
    Path path = dir.resolve("whole.safetensors");
    SafetensorsFile.write(
        path,
        ImmutableMap.of("a", Tensor.of(new float[] {1, 2, 3}, 3), "b", Tensor.zeros(0), "c", Tensor.zeros(2, 2)),
        ImmutableMap.of("k", "v"));
    byte[] whole = Files.readAllBytes(path);
    Path cut = dir.resolve("cut.safetensors");

    for (int length = 0; length < whole.length; length++) {
      byte[] truncated = Arrays.copyOf(whole, length);
      Files.write(cut, truncated);
      assertThatThrownBy(() -> SafetensorsFile.read(truncated))
          .as("truncated to %s bytes", length)
          .isInstanceOf(ModelFormatException.class)
          .hasMessageContaining("safetensors");
      assertThatThrownBy(() -> SafetensorsFile.read(cut))
          .as("file truncated to %s bytes", length)
          .isInstanceOf(ModelFormatException.class);
    }
    assertThat(SafetensorsFile.read(whole).tensors()).hasSize(3);
  }

  @Test
  void everyByteCorruptionReadsOrFailsCleanly() throws IOException {
    Path path = dir.resolve("whole.safetensors");
    SafetensorsFile.write(path, ImmutableMap.of("a", Tensor.of(new float[] {1, 2}, 2)), ImmutableMap.of("k", "v"));
    byte[] whole = Files.readAllBytes(path);
    Random random = new Random(42);

    for (int at = 0; at < whole.length; at++) {
      for (int trial = 0; trial < 16; trial++) {
        byte[] corrupt = whole.clone();
        corrupt[at] = (byte) random.nextInt(256);
        try {
          SafetensorsFile.read(corrupt);
        } catch (ModelFormatException e) {
          assertThat(e).hasMessageContaining("safetensors");
        }
      }
    }
  }

  @Test
  void hugeOffsetsFailFast() {
    String offsets = json("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,1099511627776]}}");
    String matchingShape = json("{'w':{'dtype':'F32','shape':[262144,1048576],'data_offsets':[0,1099511627776]}}");

    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertFails(file(offsets, new byte[8]), "outside the 8-byte data section");
          assertFails(file(matchingShape, new byte[8]), "more than 2^31-1 elements");
        });
  }

  @Test
  void headerLengthBeyondTheFileOrTheLimitFails() {
    byte[] header = "{}".getBytes(StandardCharsets.UTF_8);

    assertFails(file(1L << 40, header, new byte[8]), "exceeds the limit");
    assertFails(file(-1, header, new byte[8]), "18446744073709551615");
    assertFails(file(header.length + 9, header, new byte[8]), "truncated");
    assertFails(new byte[7], "too short");
  }

  @Test
  void headerLengthAboveTheLimitFailsEvenWhenTheFileIsThatLarge() throws IOException {
    Path path = dir.resolve("sparse.safetensors");
    long claimed = SafetensorsFile.MAX_HEADER_BYTES + 1;
    try (RandomAccessFile sparse = new RandomAccessFile(path.toFile(), "rw")) {
      sparse.write(file(claimed, new byte[0], new byte[0]));
      sparse.setLength(Long.BYTES + claimed + 16);
    }

    assertThatThrownBy(() -> SafetensorsFile.read(path))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("exceeds the limit of 100000000 bytes");
  }

  @ParameterizedTest(name = "{index}: {1}")
  @MethodSource("corruptHeaders")
  void corruptHeaderFails(String header, String problem) {
    assertFails(file(header, new byte[8]), problem);
  }

  static Stream<Arguments> corruptHeaders() {
    String entry = "{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},";
    return Stream.of(
        bad("", "not a JSON object"),
        bad("   ", "not a JSON object"),
        bad("not json", "not valid JSON"),
        bad("{'w':{'dtype':'F32',", "not valid JSON"),
        bad("[1, 2]", "not a JSON object but ARRAY"),
        bad("null", "not a JSON object"),
        bad("{} {}", "not valid JSON"),
        bad("[".repeat(5000) + "]".repeat(5000), "not valid JSON"),
        bad(entry + "'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", "Duplicate field 'w' (line 1, column "),
        bad("{'w':7}", "tensor 'w' is not a JSON object but NUMBER"),
        bad("{'w':{'shape':[2],'data_offsets':[0,8]}}", "'w' has no \"dtype\""),
        bad("{'w':{'dtype':'F32','data_offsets':[0,8]}}", "'w' has no \"shape\""),
        bad("{'w':{'dtype':'F32','shape':[2]}}", "'w' has no \"data_offsets\""),
        bad("{'w':{'dtype':'I64','shape':[1],'data_offsets':[0,8]}}", "'w' has dtype \"I64\""),
        bad("{'w':{'dtype':'f32','shape':[2],'data_offsets':[0,8]}}", "'w' has dtype \"f32\""),
        bad("{'w':{'dtype':32,'shape':[2],'data_offsets':[0,8]}}", "'w' has dtype 32"),
        bad("{'w':{'dtype':'F32','shape':2,'data_offsets':[0,8]}}", "not an array"),
        bad("{'w':{'dtype':'F32','shape':[-2],'data_offsets':[0,8]}}", "invalid dimension -2"),
        bad("{'w':{'dtype':'F32','shape':[2.0],'data_offsets':[0,8]}}", "invalid dimension 2.0"),
        bad("{'w':{'dtype':'F32','shape':['2'],'data_offsets':[0,8]}}", "invalid dimension"),
        bad("{'w':{'dtype':'F32','shape':[4294967298],'data_offsets':[0,8]}}", "invalid dimension 4294967298"),
        bad("{'w':{'dtype':'F32','shape':[65536,65536,0],'data_offsets':[0,0]}}", "more than 2^31-1"),
        bad("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0]}}", "not two integers"),
        bad("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8,8]}}", "not two integers"),
        bad("{'w':{'dtype':'F32','shape':[2],'data_offsets':['0','8']}}", "not two integers"),
        bad("{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,99999999999999999999]}}", "not two integers"),
        bad("{'w':{'dtype':'F32','shape':[2],'data_offsets':[8,0]}}", "reversed data_offsets [8,0]"),
        bad("{'w':{'dtype':'F32','shape':[0],'data_offsets':[-8,-8]}}", "outside"),
        bad("{'w':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}", "outside"),
        bad("{'w':{'dtype':'F32','shape':[3],'data_offsets':[0,8]}}", "spans 8 bytes but F32[3] needs 12"),
        bad("{'w':{'dtype':'F16','shape':[2],'data_offsets':[0,8]}}", "needs 4"),
        bad(entry + "'__metadata__':[]}", "__metadata__ is not a JSON object but ARRAY"),
        bad(entry + "'__metadata__':{'n':1}}", "__metadata__ value of 'n' is not a string"),
        bad("{'" + "x".repeat(1000) + "':{'dtype':'I8','shape':[2],'data_offsets':[0,2]}}", "xxx...' has dtype"));
  }

  /** A header and the problem its message must name. */
  private static Arguments bad(String header, String problem) {
    return Arguments.of(json(header), problem);
  }

  @Test
  void invalidUtf8HeaderFails() {
    byte[] header = "{\"w\u00ff\":{}}".getBytes(StandardCharsets.ISO_8859_1);

    assertFails(file(header.length, header, new byte[0]), "not valid UTF-8");
  }

  private static void assertFails(byte[] bytes, String problem) {
    assertThatThrownBy(() -> SafetensorsFile.read(bytes))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining(problem);
  }
}
