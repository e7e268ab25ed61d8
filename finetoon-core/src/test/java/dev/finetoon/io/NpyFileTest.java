package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.testing.ReferenceData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class NpyFileTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(NpyDType.class)
  void roundTripsEveryDtype(NpyDType dtype) throws IOException {
    for (int[] shape : new int[][] {{2, 3}, {5}, {}, {0, 4}}) {
      NpyArray array = NpyArray.of(dtype, randomValues(dtype, Tensor.checkedSize(shape)), shape);
      Path file = dir.resolve(dtype + ".npy");
      NpyFile.write(file, array);
      NpyArray read = NpyFile.read(file);
      assertThat(read).isEqualTo(array);
      assertThat(read.dtype()).isEqualTo(dtype);
      assertThat(read.shape()).isEqualTo(shape);
    }
  }

  @Test
  void writesTensorsByteForByteAsNumpy() throws IOException {
    for (String name : new String[] {"tiny_z.npy", "tiny_target_uint8.npy", "tiny_trace_b32_x.npy"}) {
      Path reference = ReferenceData.tiny(name);
      Path copy = dir.resolve(name);
      NpyFile.write(copy, NpyFile.read(reference));
      assertThat(Files.readAllBytes(copy)).as(name).isEqualTo(Files.readAllBytes(reference));
    }
  }

  @Test
  void readsReferenceArrays() throws IOException {
    NpyArray target = NpyFile.read(ReferenceData.tiny("tiny_target_uint8.npy"));
    assertThat(target.dtype()).isEqualTo(NpyDType.UINT8);
    assertThat(target.shape()).containsExactly(32, 32, 3);
    byte[] raw = target.toLittleEndianBytes();
    float[] values = target.toTensor().toArray();
    for (int i = 0; i < raw.length; i++) {
      assertThat(values[i]).isEqualTo(Byte.toUnsignedInt(raw[i]));
    }

    NpyArray wAvg = NpyFile.read(ReferenceData.tiny("tiny_proj_w_avg.npy"));
    assertThat(wAvg.dtype()).isEqualTo(NpyDType.FLOAT32);
    assertThat(wAvg.shape()).containsExactly(1, 1, 32);
    assertThat(NpyFile.read(ReferenceData.tiny("tiny_trace_b8_x.npy")).toTensor().shape())
        .containsExactly(2, 64, 8, 8);
  }

  @Test
  void convertsEveryDtypeToFloat32() {
    assertThat(NpyArray.of(NpyDType.FLOAT64, le(16).putDouble(0.1).putDouble(-2.5).array(), 2).toTensor().toArray())
        .containsExactly(0.1f, -2.5f);
    assertThat(NpyArray.of(NpyDType.INT64, le(16).putLong(-3).putLong((1L << 40) + 1).array(), 2).toTensor().toArray())
        .containsExactly(-3f, (float) ((1L << 40) + 1));
    assertThat(NpyArray.of(NpyDType.INT32, le(8).putInt(7).putInt(-8).array(), 2).toTensor().toArray())
        .containsExactly(7f, -8f);
    assertThat(NpyArray.ofUint8(new byte[] {0, (byte) 255, 7}, 3).toTensor().toArray()).containsExactly(0f, 255f, 7f);
    assertThat(NpyArray.of(NpyDType.BOOL, new byte[] {0, 1, 2}, 3).toTensor().toArray()).containsExactly(0f, 1f, 1f);
  }

  @Test
  void copiesAndChecksWhatItIsGiven() {
    byte[] bytes = {1, 2, 3};
    NpyArray array = NpyArray.ofUint8(bytes, 3);
    bytes[0] = 9;
    array.toLittleEndianBytes()[1] = 9;
    assertThat(array.toLittleEndianBytes()).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> NpyArray.of(NpyDType.FLOAT32, new byte[7], 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(NpyArray.of(Tensor.of(new float[] {1, 2}, 1, 2)).toString()).isEqualTo("NpyArray<f4[1, 2]");
  }

  @Test
  void readsFormatVersions2And3AndHeaderVariants() throws IOException {
    byte[] data = le(8).putFloat(1.5f).putFloat(-2).array();
    for (int major = 1; major <= 3; major++) {
      assertThat(read(npy(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data)).toTensor())
          .isEqualTo(Tensor.of(new float[] {1.5f, -2}, 2));
    }
    String[] variants = {
      "{\"shape\": (1, 2), \"fortran_order\": False, \"descr\": \"<f4\"}",
      "{'descr':'<f4','fortran_order':False,'shape':(1,2)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }\n",
      "  { 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 1 , 2 , ) , }  ",
    };
    for (String dict : variants) {
      assertThat(read(npy(1, dict, data)).shape()).as(dict).containsExactly(1, 2);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), } => Fortran",
        "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), } => big-endian",
        "{'descr': '|O', 'fortran_order': False, 'shape': (2,), } => Python objects",
        "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), } => unsupported dtype '<f2'",
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), } => structured",
        "{'descr': '<f4', 'fortran_order': False, } => must all be present",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), } => appears twice",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1} => unexpected key 'x'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2), } => not a tuple",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), } => non-negative integer",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [2], } => expected '('",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), } => True or False",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x => after the dict",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,) 'x' => expected ','",
        "{'descr': '<f4 => unterminated string",
        "{'descr': '<\\f4', 'fortran_order': False, 'shape': (2,), } => unsupported character",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2 2,), } => expected ',' or ')'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), } => too large",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } => announces 12 bytes of data but 8 follow",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } => announces 4 bytes of data but 8 follow",
        "(2,) => expected '{'",
      })
  void rejectsBadHeadersNamingTheProblem(String dict, String problem) {
    byte[] file = npy(1, dict, new byte[8]);
    assertThatThrownBy(() -> read(file)).isInstanceOf(ModelFormatException.class).hasMessageContaining(problem);
  }

  @Test
  void rejectsWhatIsNotAnNpyFile() {
    byte[] file = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);
    byte[] badMagic = file.clone();
    badMagic[1] = 'X';
    assertThatThrownBy(() -> read(badMagic)).hasMessageContaining("not an .npy file");
    byte[] version4 = file.clone();
    version4[6] = 4;
    assertThatThrownBy(() -> read(version4)).hasMessageContaining("version 4.0");
    byte[] longHeader = npy(2, "{" + " ".repeat(20_000) + "}", new byte[0]);
    assertThatThrownBy(() -> read(longHeader)).hasMessageContaining("longer than the 10000 allowed");
  }

  @Test
  void hugeShapesFailFastWithoutAllocating() throws IOException {
    String[] huge = {"(1099511627776,)", "(1000000000,)", "(65536, 65536, 65536)", "(4294967296, 0)"};
    for (String shape : huge) {
      Path file = dir.resolve("huge.npy");
      Files.write(file, npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", new byte[8]));
      assertThatThrownBy(() -> NpyFile.read(file)).as(shape).hasMessageContaining("too large");
    }
    // Within the limits (2 GB) but absent: a file fails on its size; a stream without one reads only what is there.
    byte[] claims = npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2000000000,), }", new byte[100]);
    Path file = dir.resolve("claims.npy");
    Files.write(file, claims);
    long allocatedBefore = allocatedBytes();
    assertThatThrownBy(() -> NpyFile.read(file)).hasMessageContaining("(truncated file)");
    assertThatThrownBy(() -> NpyFile.read(new ByteArrayInputStream(claims), "stream", -1))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("only 100 follow");
    assertThat(allocatedBytes() - allocatedBefore).isLessThan(16 << 20);
  }

  @Test
  void truncationAtEveryByteGivesModelFormatException() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NpyFile.write(out, NpyArray.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
    byte[] whole = out.toByteArray();
    Path file = dir.resolve("cut.npy");
    for (int length = 0; length < whole.length; length++) {
      byte[] cut = Arrays.copyOf(whole, length);
      Files.write(file, cut);
      assertThatThrownBy(() -> NpyFile.read(file)).as("length %s", length).isInstanceOf(ModelFormatException.class);
      assertThatThrownBy(() -> NpyFile.read(new ByteArrayInputStream(cut), "cut", -1))
          .as("stream length %s", length)
          .isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void corruptedBytesGiveModelFormatExceptionOrAnArray() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NpyFile.write(out, NpyArray.ofUint8(new byte[12], 3, 4));
    byte[] whole = out.toByteArray();
    Random random = new Random(3);
    for (int trial = 0; trial < 20_000; trial++) {
      byte[] corrupt = whole.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
      }
      try {
        NpyFile.read(new ByteArrayInputStream(corrupt), "corrupt", corrupt.length);
      } catch (ModelFormatException expected) {
        assertThat(expected.getMessage()).startsWith("corrupt: ");
      } catch (RuntimeException e) {
        fail("trial " + trial + " threw " + e, e);
      }
    }
  }

  private static NpyArray read(byte[] file) throws IOException {
    return NpyFile.read(new ByteArrayInputStream(file), "test.npy", file.length);
  }

  /** A hand-made .npy file: magic, version {@code major}.0, the header length, {@code dict} unpadded, data. */
  static byte[] npy(int major, String dict, byte[] data) {
    byte[] text = dict.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = le(8 + (major == 1 ? 2 : 4) + text.length + data.length);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      out.putShort((short) text.length);
    } else {
      out.putInt(text.length);
    }
    return out.put(text).put(data).array();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] randomValues(NpyDType dtype, int size) {
    byte[] bytes = new byte[size * dtype.itemSize()];
    new Random(size).nextBytes(bytes);
    if (dtype == NpyDType.BOOL) {
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] &= 1;
      }
    }
    return bytes;
  }

  /** Bytes this thread has allocated so far (HotSpot); skips the caller where the JVM does not count them. */
  private static long allocatedBytes() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }
}
