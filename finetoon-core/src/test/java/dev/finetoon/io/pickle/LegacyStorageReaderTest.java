package dev.finetoon.io.pickle;

import static dev.finetoon.io.pickle.PickleBytes.storageStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Storages of every element type NVIDIA's files use become float32 tensors, through any strided view. */
class LegacyStorageReaderTest {
  @Test
  void halfElementsBecomeFloat32ThroughATransposedView() throws ModelFormatException {
    // 1, -2, 0.5, +inf in binary16.
    ByteBuffer data = le(8).putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800)
        .putShort((short) 0x7C00);
    TorchStorage storage = LegacyStorageReader.read(storageStream("HalfStorage", 4, 4, data.array()));

    Tensor t = new TensorRef(storage, 0, new int[] {2, 2}, new long[] {1, 2}).toTensor("w");

    assertThat(storage.type()).isEqualTo(StorageType.HALF);
    assertThat(t.shape()).containsExactly(2, 2);
    assertThat(t.toArray()).containsExactly(1f, 0.5f, -2f, Float.POSITIVE_INFINITY);
  }

  @Test
  void bfloat16ElementsBecomeFloat32FromAnOffset() throws ModelFormatException {
    // 1, -3, 3.140625, 0 in bfloat16: the top halves of the float32 bits.
    ByteBuffer data = le(8).putShort((short) 0x3F80).putShort((short) 0xC040).putShort((short) 0x4049)
        .putShort((short) 0);
    TorchStorage storage = LegacyStorageReader.read(storageStream("BFloat16Storage", 4, 4, data.array()));

    Tensor t = new TensorRef(storage, 1, new int[] {3}, new long[] {1}).toTensor("b");

    assertThat(storage.type()).isEqualTo(StorageType.BFLOAT16);
    assertThat(t.toArray()).containsExactly(-3f, 3.140625f, 0f);
  }

  @Test
  void doubleElementsAreRoundedToFloat32() throws ModelFormatException {
    ByteBuffer data = le(24).putDouble(0.1).putDouble(-2.5).putDouble(1e300);
    TorchStorage storage = LegacyStorageReader.read(storageStream("DoubleStorage", 3, 3, data.array()));

    Tensor t = new TensorRef(storage, 0, new int[] {3}, new long[] {1}).toTensor("d");

    assertThat(storage.type()).isEqualTo(StorageType.DOUBLE);
    assertThat(t.toArray()).containsExactly(0.1f, -2.5f, Float.POSITIVE_INFINITY);
  }

  @Test
  void floatElementsAreGatheredFromANonContiguousView() throws ModelFormatException {
    ByteBuffer data = le(24);
    for (int i = 0; i < 6; i++) {
      data.putFloat(i);
    }
    TorchStorage storage = LegacyStorageReader.read(storageStream("FloatStorage", 6, 6, data.array()));

    // Rows of three, the last two columns of each: elements 1, 2, 4, 5.
    Tensor t = new TensorRef(storage, 1, new int[] {2, 2}, new long[] {3, 1}).toTensor("f");

    assertThat(t.toArray()).containsExactly(1f, 2f, 4f, 5f);
  }

  @Test
  void longElementsBecomeFloat32() throws ModelFormatException {
    ByteBuffer data = le(16).putLong(7).putLong(-1);
    TorchStorage storage = LegacyStorageReader.read(storageStream("LongStorage", 2, 2, data.array()));

    assertThat(new TensorRef(storage, 0, new int[] {2}, new long[] {1}).toTensor("n").toArray())
        .containsExactly(7f, -1f);
  }

  @Test
  void anEmptyViewPastTheEndOfItsStorageIsAnEmptyTensorAsInPyTorch() throws ModelFormatException {
    // Found while writing the fuzz tests: the float32 fast path read zero floats from index 5 (or from (int) 2^31) of a
    // 3-float buffer, and the buffer's IndexOutOfBoundsException came out of NvidiaPickleReader.read.
    TorchStorage storage = LegacyStorageReader.read(storageStream("FloatStorage", 3, 3, new byte[12]));

    for (long offset : new long[] {5, 1L << 31}) {
      Tensor t = new TensorRef(storage, offset, new int[] {0}, new long[] {1}).toTensor("empty");
      assertThat(t.shape()).containsExactly(0);
    }
  }

  @Test
  void aCountBeyondTheDataIsAFormatError() {
    byte[] stream = storageStream("HalfStorage", 5, 5, new byte[8]);
    assertThatThrownBy(() -> LegacyStorageReader.read(stream))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("claims 5 elements but the stream holds at most 4");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opcodesPyroliteRefusesUnchecked")
  void aCorruptOpcodeIsAFormatErrorWhateverPyroliteThrows(String what, byte[] stream) {
    // Found by StorageStreamFuzzTest: Pyrolite's IndexOutOfBoundsException and NumberFormatException came through.
    assertThatThrownBy(() -> LegacyStorageReader.read(stream))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("corrupt torch storage stream");
  }

  static Stream<Arguments> opcodesPyroliteRefusesUnchecked() {
    return Stream.of(
        Arguments.of("STOP on an empty stack", new byte[] {(byte) 0x80, 2, '.'}),
        Arguments.of("INT without digits", "I\n.".getBytes(StandardCharsets.US_ASCII)),
        Arguments.of("GET of a name", "gx\n.".getBytes(StandardCharsets.US_ASCII)),
        Arguments.of("PUT of a name", "NpX\n.".getBytes(StandardCharsets.US_ASCII)));
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
