package dev.finetoon.io.pickle;

import static dev.finetoon.io.pickle.PickleBytes.concat;
import static dev.finetoon.io.pickle.PickleBytes.dict;
import static dev.finetoon.io.pickle.PickleBytes.loadFromBytes;
import static dev.finetoon.io.pickle.PickleBytes.persistent;
import static dev.finetoon.io.pickle.PickleBytes.pickle;
import static dev.finetoon.io.pickle.PickleBytes.storageStream;
import static dev.finetoon.testing.HostileInput.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.ModelFormatException;
import dev.finetoon.io.pickle.PickleBytes.Call;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Small pickles that claim gigabytes of heap or minutes of work. Run with a 256 MB heap (the {@code *BudgetTest}
 * execution): before the budgets each of these ran out of memory or for minutes.
 */
class PickleBudgetTest {
  @Test
  void aStrideZeroTensorIsBudgetedBeforeItIsAllocated() {
    // One float viewed as 40 000 x 40 000 through strides (0, 0), as torch's expand() saves it: 6.4 GB of float32.
    Object storage = loadFromBytes(storageStream("FloatStorage", 1, 1, new byte[4]));
    Object expanded = new Call("torch._utils._rebuild_tensor_v2", storage, 0, new Object[] {40_000, 40_000},
        new Object[] {0, 0}, false, dict());
    Object mapping = persistent("MappingNetwork", "", dict("_buffers", dict("w_avg", expanded)));
    byte[] file = pickle(2, persistent("Generator", "", dict("_init_args", new Object[0], "_init_kwargs", dict(
        "z_dim", 4, "c_dim", 0, "w_dim", 4, "img_resolution", 8, "img_channels", 3), "_modules",
        dict("mapping", mapping))));

    ModelFormatException e = refused("stride-0 tensor", ModelFormatException.class,
        () -> NvidiaPickleReader.read(file, "expanded.pkl"));

    assertThat(e).hasMessageContaining("1600000000 elements, more than the file's " + file.length + " bytes");
  }

  @ParameterizedTest(name = "opcode {0} and MEMOIZE, 10 million times")
  @ValueSource(ints = {'}', 0x8f, ']'})
  void aFloodOfEmptyContainersIsBudgeted(int opcode) {
    // 20 MB: EMPTY_DICT (or EMPTY_SET, EMPTY_LIST) then MEMOIZE, ten million times: 1.5-2 GB of heap before.
    byte[] file = new byte[20_000_003];
    file[0] = (byte) 0x80;
    file[1] = 4;
    for (int i = 2; i < file.length - 1; i += 2) {
      file[i] = (byte) opcode;
      file[i + 1] = (byte) 0x94;
    }
    file[file.length - 1] = '.';

    ModelFormatException e = refused("container flood", ModelFormatException.class,
        () -> NvidiaPickleReader.read(file, "flood.pkl"));
    assertThat(e).hasMessageContaining("more than " + SafeUnpickler.MAX_OPCODES + " opcodes");
    assertThat(PickleScan.of(file, "flood.pkl").error()).get().asString().contains("opcodes");
  }

  @Test
  void aTextIntegerOfMillionsOfDigitsIsRefusedBeforeItIsParsed() {
    // LONG '1' * 2 000 000: parsing it took 103 s (quadratic); Python 3.11 refuses more than 4300 digits.
    byte[] digits = new byte[2_000_000];
    Arrays.fill(digits, (byte) '1');
    byte[] file = concat(new byte[] {(byte) 0x80, 2, 'L'}, digits, "L\n.".getBytes(StandardCharsets.US_ASCII));

    ModelFormatException e = refused("2M-digit LONG", ModelFormatException.class,
        () -> NvidiaPickleReader.read(file, "digits.pkl"));

    assertThat(e).hasMessageContaining("more than 4300 digits");
  }

  @Test
  void aHugeBinaryIntegerNeverReachesAMessage() {
    // A 16 MB LONG4 as the magic number of a storage stream: printing it into the error took minutes.
    byte[] number = new byte[16 << 20];
    number[number.length - 1] = 0x7f;
    byte[] magic = concat(new byte[] {(byte) 0x80, 2, (byte) 0x8b},
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(number.length).array(), number, new byte[] {'.'});
    byte[] file = pickle(2, loadFromBytes(magic));

    ModelFormatException e = refused("16 MB LONG4", ModelFormatException.class,
        () -> NvidiaPickleReader.read(file, "long4.pkl"));

    assertThat(e).hasMessageContaining("more than 1024 bytes");
  }

  @Test
  void aLongStringIsShortenedInMessages() {
    // A 4 MB str where the generator's _init_kwargs should be.
    String huge = "x".repeat(4 << 20) + "\u001b[2J";
    byte[] file = pickle(2, persistent("Generator", "", dict("_init_args", new Object[0], "_init_kwargs", huge)));

    ModelFormatException e = refused("4 MB string in a message", ModelFormatException.class,
        () -> NvidiaPickleReader.read(file, "string.pkl"));

    assertThat(e).hasMessageContaining("not a dict").hasMessageContaining("chars)");
  }
}
