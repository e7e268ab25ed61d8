package dev.finetoon.io.pickle;

import static dev.finetoon.testing.HostileInput.protocol2;
import static dev.finetoon.io.pickle.PickleBytes.pickle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.finetoon.ModelFormatException;
import dev.finetoon.fuzz.CorpusSeeds;
import dev.finetoon.io.pickle.PickleBytes.Call;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Corrupt pickles get messages that name the problem, not a Java exception's; protocol 2 from Python 3 reads. */
class PickleMessagesTest {
  static Stream<Arguments> corrupt() {
    return Stream.of(
        // REDUCE on an empty stack: was "Index -1 out of bounds for length 0".
        Arguments.of("an opcode on an empty stack", protocol2("R."), "finds too few values"),
        // SETITEMS on a str: was "class java.lang.String cannot be cast to class java.util.Map".
        Arguments.of("SETITEMS on a str", protocol2("X\u0001\u0000\u0000\u0000a(K\u0001K\u0002u."),
            "of the wrong type"),
        // A tuple where a storage belongs: was "got [Ljava.lang.Object;@1b2c3d".
        Arguments.of("a tuple as a storage", pickle(2, new Call("torch._utils._rebuild_tensor_v2",
            new Object[] {1, 2}, 0, new Object[] {1}, new Object[] {1})), "got a tuple of 2"),
        // Calling what an unknown global returned: was "InertObject cannot be cast to ... IObjectConstructor".
        Arguments.of("calling an object", protocol2("csome\nThing\n)R)R."),
            "calls <some.Thing>, which is not a global"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corrupt")
  void aCorruptPickleGetsAMessageNamingTheProblem(String what, byte[] file, String message) {
    Throwable thrown = catchThrowable(() -> NvidiaPickleReader.read(file, "corrupt.pkl"));

    assertThat(thrown).isExactlyInstanceOf(ModelFormatException.class).hasMessageContaining(message);
    assertThat(thrown.getMessage()).doesNotContain("Index -1", "cannot be cast", "[L", "IObjectConstructor");
  }

  @Test
  void aProtocolTwoPickleWrittenByPythonThreeReads() throws ModelFormatException {
    // Python 3 writes bytes as _codecs.encode(str, 'latin1') in protocol 2; docs/formats.md promises protocols 2-5.
    StyleGanModel model = RandomModels.create(CorpusSeeds.tinyConfig(), 3);
    byte[] file = GeneratorPickleWriter.generator(model, 2);
    assertThat(new String(file, StandardCharsets.ISO_8859_1)).contains("c_codecs\nencode\n");

    StyleGanModel read = NvidiaPickleReader.read(file, "protocol2.pkl");

    assertThat(read.tensors()).isEqualTo(model.tensors());
    assertThat(PickleScan.of(file, "protocol2.pkl").outcome()).isEqualTo(PickleScan.Outcome.CLEAN);
  }

  @Test
  void aResolutionBeyondAnyModelIsRefused() {
    // info accepted img_resolution 2^30, and generate then tried to allocate 2^60 pixels.
    assertThat(catchThrowable(() -> GeneratorConfig.builder(4, 4, 1 << 30).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("img_resolution must be a power of two from 4 to 16384, got 1073741824");
  }
}
