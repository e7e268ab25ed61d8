package dev.finetoon.io.pickle;

import static dev.finetoon.io.pickle.PickleBytes.concat;
import static dev.finetoon.io.pickle.PickleBytes.dict;
import static dev.finetoon.io.pickle.PickleBytes.le64;
import static dev.finetoon.io.pickle.PickleBytes.loadFromBytes;
import static dev.finetoon.io.pickle.PickleBytes.opcodes;
import static dev.finetoon.io.pickle.PickleBytes.pickle;
import static dev.finetoon.io.pickle.PickleBytes.storageStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.finetoon.ModelFormatException;
import dev.finetoon.UnsafePickleException;
import dev.finetoon.io.pickle.PickleBytes.Build;
import dev.finetoon.io.pickle.PickleBytes.Call;
import dev.finetoon.io.pickle.PickleBytes.Get;
import dev.finetoon.io.pickle.PickleBytes.Put;
import dev.finetoon.io.pickle.PickleBytes.Raw;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NvidiaPickleReader} against truncated, corrupted and malicious files: it refuses them, and only as such. */
class HostilePickleTest {
  private static final List<String> DANGEROUS =
      List.of(
          "os.system", "posix.system", "builtins.eval", "builtins.exec", "__builtin__.eval", "subprocess.Popen",
          "subprocess.check_output", "runpy._run_code");

  @TempDir Path tmp;

  // ---- 1. Truncation and corruption -------------------------------------------------------------------------------

  @Test
  void everyTruncationOfTheFirstModulesSourceAndStateIsAFormatError() throws IOException {
    // The first 40 kB hold the header, the Generator's 37 kB module_src and the start of its state and tensors.
    byte[] toon = reference("tiny_toon.pkl");
    List<String> wrong = new ArrayList<>();
    for (int length = 0; length < 40_000; length++) {
      expectFormatError(Arrays.copyOf(toon, length), length, wrong);
    }
    assertThat(wrong).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_base.pkl", "tiny_toon.pkl"})
  void sampledTruncationsOfTheWholeFileAreFormatErrors(String file) throws IOException {
    byte[] bytes = reference(file);
    List<String> wrong = new ArrayList<>();
    // About 200 cuts at an odd stride (every cut of a 2 MB file would take minutes), then every cut through the last
    // 64 bytes, where the closing opcodes of the top-level object lie.
    for (int length = 40_000; length < bytes.length - 64; length += bytes.length / 211 | 1) {
      expectFormatError(Arrays.copyOf(bytes, length), length, wrong);
    }
    for (int length = bytes.length - 64; length < bytes.length; length++) {
      expectFormatError(Arrays.copyOf(bytes, length), length, wrong);
    }
    assertThat(wrong).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_base.pkl", "tiny_toon.pkl"})
  void singleByteCorruptionEitherReadsOrIsAFormatError(String file) throws IOException {
    byte[] bytes = reference(file);
    Random random = new Random(20240611L + file.length());
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      byte[] corrupt = bytes.clone();
      // Half the offsets in the opcode-dense first 50 kB, half anywhere.
      int at = random.nextInt(i % 2 == 0 ? 50_000 : bytes.length);
      corrupt[at] = (byte) (corrupt[at] + 1 + random.nextInt(255));
      Throwable outcome = outcome(corrupt, file);
      if (outcome != null && !(outcome instanceof ModelFormatException)) {
        wrong.add("byte " + at + " = " + corrupt[at] + ": " + outcome);
      }
    }
    assertThat(wrong).isEmpty();
  }

  // ---- 2. Globals that would run code ------------------------------------------------------------------------------

  static Stream<Arguments> exploits() {
    return DANGEROUS.stream().flatMap(g -> Stream.of(Arguments.of(g, 2), Arguments.of(g, 4)));
  }

  @ParameterizedTest(name = "{0} as protocol {1}")
  @MethodSource("exploits")
  void aGlobalThatWouldRunCodeIsRefusedByName(String global, int protocol) {
    Path marker = tmp.resolve("pwned");
    byte[] exploit = pickle(protocol, new Call(global, payload(global, marker)));

    UnsafePickleException e = unsafe(exploit);

    assertThat(e.global()).isEqualTo(global);
    assertThat(e.getMessage()).contains(global);
    assertThat(marker).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"augment_pipe", "training_set_kwargs"})
  void aGlobalThatWouldRunCodeInAnUnusedPartOfARealSnapshotRefusesTheWholeFile(String key) throws IOException {
    Path marker = tmp.resolve("pwned");
    Object exploit = new Call("os.system", "touch " + marker);
    byte[] snapshot = snapshotWith(key, key.equals("augment_pipe") ? exploit : dict("path", exploit));

    UnsafePickleException e = unsafe(snapshot);

    assertThat(e.global()).isEqualTo("os.system");
    assertThat(e.getMessage()).contains("os.system");
    assertThat(marker).doesNotExist();
  }

  @Test
  void aGlobalThatWouldRunCodeInsideAStorageStreamIsRefusedByName() {
    // A valid stream of one float behind an exploit pickle where the magic number belongs.
    byte[] hostile =
        concat(pickle(2, new Call("builtins.eval", "print(1)")), storageStream("FloatStorage", 1, 1, new byte[4]));
    assertThat(unsafe(pickle(2, loadFromBytes(hostile))).global()).isEqualTo("builtins.eval");
  }

  // ---- 3. Unknown harmless globals --------------------------------------------------------------------------------

  static Stream<Arguments> inertParts() {
    return Stream.of(
        Arguments.of(
            "augment_pipe",
            new Build(new Call("training.augment.AugmentPipe"), dict("p", 0.2, "xflip", 1)),
            "training.augment.AugmentPipe"),
        Arguments.of(
            "training_set_kwargs",
            dict("class_name", "training.dataset.ImageFolderDataset", "rng", new Call("numpy.random.RandomState", 7)),
            "numpy.random.RandomState"));
  }

  @ParameterizedTest
  @MethodSource("inertParts")
  void unknownGlobalsInUnusedPartsOfARealSnapshotAreTolerated(String key, Object value, String global)
      throws IOException {
    StyleGanModel reference = NvidiaPickleReader.read(reference("tiny_base.pkl"), "tiny_base.pkl");
    byte[] snapshot = snapshotWith(key, value);

    StyleGanModel model = NvidiaPickleReader.read(snapshot, "tiny_base.pkl");

    assertThat(PickleScan.of(snapshot, "tiny_base.pkl").globals())
        .contains(new PickleScan.Global(global, PickleScan.Verdict.UNKNOWN));
    assertThat(model.config()).isEqualTo(reference.config());
    assertThat(model.tensors()).isEqualTo(reference.tensors());
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void aGeneratorThatIsAnUnknownGlobalIsAFormatErrorNamingIt(int protocol) {
    byte[] snapshot = pickle(protocol, dict("G_ema", new Call("training.networks.Generator"), "augment_pipe", null));
    assertThatThrownBy(() -> NvidiaPickleReader.read(snapshot, "odd.pkl"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("training.networks.Generator");
  }

  // ---- 4. Sizes that would allocate far more than the file holds --------------------------------------------------

  @Test
  void aStorageWhoseElementCountClaimsATrillionElementsFailsFast() {
    byte[] stream = storageStream("FloatStorage", 1L << 40, 1L << 40, new byte[16]);
    assertFailsFast(pickle(2, loadFromBytes(stream)), "claims 1099511627776 elements");
  }

  @Test
  void aStorageWhoseIdClaimsATrillionElementsFailsFast() {
    byte[] stream = storageStream("FloatStorage", 1L << 40, 4, new byte[16]);
    assertFailsFast(pickle(2, loadFromBytes(stream)), "its id says 1099511627776");
  }

  static Stream<Arguments> lengthPrefixes() {
    long huge4 = Integer.MAX_VALUE;
    long huge8 = 1L << 62;
    return Stream.of(
        Arguments.of("BINBYTES", (int) 'B', 4, huge4),
        Arguments.of("BINUNICODE", (int) 'X', 4, huge4),
        Arguments.of("BINSTRING", (int) 'T', 4, huge4),
        Arguments.of("LONG4", 0x8b, 4, huge4),
        Arguments.of("BINBYTES8", 0x8e, 8, huge8),
        Arguments.of("BINUNICODE8", 0x8d, 8, huge8),
        Arguments.of("BYTEARRAY8", 0x96, 8, huge8),
        Arguments.of("FRAME", 0x95, 8, huge8),
        Arguments.of("negative BINBYTES", (int) 'B', 4, -1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lengthPrefixes")
  void anItemDeclaringMoreBytesThanTheFileHoldsFailsFast(String name, int opcode, int width, long length) {
    byte[] header = concat(new byte[] {(byte) 0x80, 4, (byte) opcode}, Arrays.copyOf(le64(length), width));
    byte[] file = Arrays.copyOf(header, 200);
    assertFailsFast(file, "declares " + length + " bytes");
  }

  @Test
  void aTensorReachingPastItsStorageIsAFormatErrorNamingIt() {
    byte[] threeFloats = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3)
        .array();
    Object storage = loadFromBytes(storageStream("FloatStorage", 3, 3, threeFloats));
    List<Object[]> views =
        List.of(
            new Object[] {0, new Object[] {4}, new Object[] {1}},
            new Object[] {2, new Object[] {2}, new Object[] {1}},
            new Object[] {0, new Object[] {2, 2}, new Object[] {2, 1}},
            new Object[] {-1, new Object[] {1}, new Object[] {1}},
            new Object[] {Long.MAX_VALUE, new Object[] {1}, new Object[] {1}},
            new Object[] {0, new Object[] {3}, new Object[] {1L << 62}},
            new Object[] {2, new Object[] {2, 2}, new Object[] {Long.MAX_VALUE / 2, Long.MAX_VALUE / 2}});
    for (Object[] view : views) {
      Object tensor = new Call("torch._utils._rebuild_tensor_v2", storage, view[0], view[1], view[2], false, dict());
      Object mapping = module("MappingNetwork", dict("_buffers", dict("w_avg", tensor)));
      byte[] file = pickle(2, generator(dict("mapping", mapping)));
      assertThatThrownBy(() -> NvidiaPickleReader.read(file, "view.pkl"))
          .as(Arrays.deepToString(view))
          .isExactlyInstanceOf(ModelFormatException.class)
          .hasMessageContaining("mapping.w_avg")
          .hasMessageContaining("storage of 3");
    }
  }

  @Test
  void anIntegerArgumentBeyondIntIsAFormatError() {
    Map<Object, Object> kwargs = tinyKwargs();
    kwargs.put("z_dim", 1L << 40);
    byte[] file = pickle(2, generator(kwargs, dict()));
    assertThatThrownBy(() -> NvidiaPickleReader.read(file, "big.pkl"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("z_dim");
  }

  @Test
  void aModuleInsideItselfIsAFormatError() {
    // Generator (memo 0) whose _modules dict (memo 1) gets the Generator itself once both exist, as SETITEM allows.
    Object generator = new Put(0, generator(tinyKwargs(), new Put(1, dict())));
    byte[] selfInsertion =
        concat(opcodes(2, new Get(1)), opcodes(2, "loop"), opcodes(2, new Get(0)), new byte[] {'s', '0'});
    byte[] file = pickle(2, new Raw(concat(opcodes(2, generator), selfInsertion)));
    assertThatThrownBy(() -> NvidiaPickleReader.read(file, "loop.pkl"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("module loop is <persistent Generator> again");
  }

  @Test
  void modulesSharedExponentiallyOftenFailFast() {
    // m0 holds a tensor; m(k+1) holds m(k) twice: 2^30 paths to the tensor in a few kilobytes.
    Object storage = loadFromBytes(storageStream("FloatStorage", 1, 1, new byte[4]));
    Object tensor =
        new Call("torch._utils._rebuild_tensor_v2", storage, 0, new Object[0], new Object[0], false, dict());
    Object shared = module("Leaf", dict("_parameters", dict("weight", tensor)));
    for (int k = 0; k < 30; k++) {
      shared = module("Node", dict("_modules", dict("a", new Put(k, shared), "b", new Get(k))));
    }
    assertFailsFast(pickle(2, generator(dict("mapping", shared))), "<persistent Leaf> again");
  }

  @Test
  void modulesNestedDeeperThanAnyNetworkAreAFormatError() {
    // 20,000 modules, each the only child of the one before. Written flat, as 20,000 copies of a module's opcodes up
    // to its child, the innermost module, then 20,000 copies of the opcodes after the child: the pickle machine has
    // no recursion, so only the reader's walk of the modules could overflow.
    byte[] hole = {0, 'h', 'o', 'l', 'e', 0};
    byte[] node = opcodes(2, module("Node", dict("_modules", dict("child", new Raw(hole)))));
    int at = indexOf(node, hole);
    byte[] chain =
        concat(
            repeat(Arrays.copyOf(node, at), 20_000),
            opcodes(2, module("Leaf", dict())),
            repeat(Arrays.copyOfRange(node, at + hole.length, node.length), 20_000));
    byte[] file = pickle(2, generator(dict("mapping", new Raw(chain))));
    assertThatThrownBy(() -> NvidiaPickleReader.read(file, "deep.pkl"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("nested more than");
  }

  @Test
  void manyTensorsOverOneStorageFailFast() {
    // One storage of 256k floats and 20,000 buffers that each view all of it: 20 GB of float32 from a 2 MB file.
    Object storage = new Put(0, loadFromBytes(storageStream("FloatStorage", 1 << 18, 1 << 18, new byte[1 << 20])));
    Map<Object, Object> buffers = dict();
    for (int i = 0; i < 20_000; i++) {
      Object[] size = {1 << 18};
      buffers.put("b" + i, new Call("torch._utils._rebuild_tensor_v2", i == 0 ? storage : new Get(0), 0, size,
          new Object[] {1}, false, dict()));
    }
    byte[] file = pickle(2, generator(dict("mapping", module("MappingNetwork", dict("_buffers", buffers)))));
    assertFailsFast(file, "more than the file's " + file.length + " bytes");
  }

  static Stream<Arguments> sharedContainers() {
    return Stream.of(
        Arguments.of("a top-level list", laughs(false)),
        Arguments.of("a top-level dict's G_ema", dict("G_ema", laughs(true))),
        Arguments.of("a dict key", dict(laughs(false), 1)),
        Arguments.of("a set element", new Call("builtins.set", List.of(laughs(false)))),
        Arguments.of(
            "an OrderedDict key",
            new Call("collections.OrderedDict", List.of((Object) new Object[] {laughs(false), 1}))),
        Arguments.of("a storage's bytes", new Call("torch.storage._load_from_bytes", laughs(false))),
        Arguments.of("a 256 kB storage as a dict key 100,000 times", storageKeyedDict()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sharedContainers")
  void containersSharedManyTimesOverFailFast(String where, Object value) {
    assertFailsFast(pickle(2, value), "bomb.pkl");
  }

  // ---- 5. Files that are not what finetoon reads ------------------------------------------------------------------

  @Test
  void aSnapshotWithoutGEmaIsAFormatErrorSayingSo() throws IOException {
    byte[] base = reference("tiny_base.pkl");
    byte[] key = opcodes(3, "G_ema");
    byte[] renamed = base.clone();
    System.arraycopy(opcodes(3, "G_emb"), 0, renamed, lastIndexOf(base, key), key.length);
    assertThatThrownBy(() -> NvidiaPickleReader.read(renamed, "renamed.pkl"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("without 'G_ema'")
        .hasMessageContaining("G_emb");
  }

  @Test
  void aZipFileIsRecognisedAsOne() {
    byte[] zip = concat("PK\3\4".getBytes(StandardCharsets.ISO_8859_1), new byte[60]);
    assertThatThrownBy(() -> NvidiaPickleReader.read(zip, "model.pt"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("zip")
        .hasMessageContaining("torch.save");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x", "G_ema = generator\n", "(dp0\nS'G_ema'\np1\nN\ns."})
  void textAndProtocolZeroAreNotPicklesFinetoonReads(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NvidiaPickleReader.read(bytes, "notes.txt"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("not a pickle");
  }

  @Test
  void aRealGeneratorWithTheResnetArchitectureIsAFormatErrorNamingIt() throws IOException {
    byte[] toon = reference("tiny_toon.pkl");
    // The file ends with Generator._init_kwargs, whose synthesis_kwargs dict opens with SHORT_BINUNICODE
    // 'synthesis_kwargs', MEMOIZE, EMPTY_DICT, MEMOIZE, MARK. One more key/value pair goes right after that MARK; it
    // memoizes nothing, so later memo indices hold. The insertion lies in the last FRAME, which is grown to match.
    byte[] open =
        concat(new byte[] {(byte) 0x8c, 16}, "synthesis_kwargs".getBytes(StandardCharsets.US_ASCII),
            new byte[] {(byte) 0x94, '}', (byte) 0x94, '('});
    int at = lastIndexOf(toon, open) + open.length;
    byte[] pair = concat(opcodes(4, "architecture"), opcodes(4, "resnet"));
    int frame = lastFrame(toon);
    assertThat(frame).isLessThan(at);
    byte[] resnet = concat(Arrays.copyOf(toon, at), pair, Arrays.copyOfRange(toon, at, toon.length));
    ByteBuffer.wrap(resnet).order(ByteOrder.LITTLE_ENDIAN).putLong(frame + 1, toon.length - frame - 9 + pair.length);

    // Config parsing accepts any architecture string; every tensor is then read, and building the layer plan refuses
    // anything but 'skip'. So the message comes from a complete, otherwise valid generator.
    assertThatThrownBy(() -> NvidiaPickleReader.read(resnet, "resnet.pkl"))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("architecture 'resnet' is not supported");
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private static byte[] reference(String file) throws IOException {
    return Files.readAllBytes(ReferenceData.tiny(file));
  }

  /** What reading does: null on success, else whatever it threw (errors included). */
  private static Throwable outcome(byte[] bytes, String source) {
    try {
      NvidiaPickleReader.read(bytes, source);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  private static void expectFormatError(byte[] bytes, int length, List<String> wrong) {
    Throwable outcome = outcome(bytes, "cut.pkl");
    if (!(outcome instanceof ModelFormatException)) {
      wrong.add("first " + length + " bytes: " + (outcome == null ? "read successfully" : outcome));
    }
  }

  private static UnsafePickleException unsafe(byte[] file) {
    UnsafePickleException e =
        catchThrowableOfType(() -> NvidiaPickleReader.read(file, "exploit.pkl"), UnsafePickleException.class);
    assertThat(e).as("UnsafePickleException").isNotNull();
    return e;
  }

  /**
   * Reading fails with a format error within seconds, allocating less than 100 MB. The allocation is counted on the
   * reading thread itself: the heap's size also moves with whatever the collector decides, which made this flaky.
   */
  private static void assertFailsFast(byte[] file, String message) {
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long[] allocated = new long[1];
    Throwable outcome = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      long before = threads.getCurrentThreadAllocatedBytes();
      Throwable t = outcome(file, "bomb.pkl");
      allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
      return t;
    });
    assertThat(outcome).isExactlyInstanceOf(ModelFormatException.class).hasMessageContaining(message);
    assertThat(allocated[0]).isLessThan(100L << 20);
  }

  /** The classic exploit's argument: a shell command, or Python code that runs one. */
  private static String payload(String global, Path marker) {
    String command = "touch " + marker;
    return global.endsWith("eval") || global.endsWith("exec") || global.endsWith("_run_code")
        ? "__import__('os').system('" + command + "')"
        : command;
  }

  /**
   * tiny_base.pkl (an ADA snapshot whose 'augment_pipe' and 'training_set_kwargs' are None) with the value of one of
   * those keys replaced. The file is protocol 3, so it has no FRAME lengths to keep right; its top-level dict ends
   * {@code X <len> key, LONG_BINPUT <index>, NONE}, and the NONE gives way to the new value's opcodes, which memoize
   * nothing, so every memo index in the file still refers to what it did.
   */
  private static byte[] snapshotWith(String key, Object value) throws IOException {
    byte[] base = reference("tiny_base.pkl");
    byte[] keyOp = opcodes(3, key);
    int at = lastIndexOf(base, keyOp) + keyOp.length;
    assertThat(base[at]).isEqualTo((byte) 'r');
    assertThat(base[at + 5]).isEqualTo((byte) 'N');
    return concat(Arrays.copyOf(base, at + 5), opcodes(3, value), Arrays.copyOfRange(base, at + 6, base.length));
  }

  /** The offset of the last FRAME of a protocol-4 pickle: the one whose length reaches exactly to the end. */
  private static int lastFrame(byte[] pickle) {
    ByteBuffer b = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    for (int p = pickle.length - 10; p >= 0; p--) {
      if ((pickle[p] & 0xff) == 0x95 && b.getLong(p + 1) == pickle.length - p - 9) {
        return p;
      }
    }
    throw new AssertionError("no final frame");
  }

  private static Map<Object, Object> tinyKwargs() {
    return dict(
        "z_dim", 8, "c_dim", 0, "w_dim", 8, "img_resolution", 8, "img_channels", 3,
        "mapping_kwargs", dict("num_layers", 2), "synthesis_kwargs", dict("channel_base", 64, "channel_max", 16));
  }

  /** A persistent Generator with small valid kwargs and the given child modules; it has no tensors of its own. */
  private static Object generator(Object modules) {
    return generator(tinyKwargs(), modules);
  }

  private static Object generator(Map<Object, Object> kwargs, Object modules) {
    return module("Generator", dict("_init_args", new Object[0], "_init_kwargs", kwargs, "_modules", modules));
  }

  /** {@code torch_utils.persistence._reconstruct_persistent_obj(meta)} as NVIDIA's persistence writes it. */
  private static Object module(String className, Map<Object, Object> state) {
    Map<Object, Object> meta =
        dict("type", "class", "version", 6, "module_src", "raise SystemExit", "class_name", className, "state", state);
    return new Call("torch_utils.persistence._reconstruct_persistent_obj", meta);
  }

  /**
   * A list (or dict) holding the one below it twice, 60 times over, through the memo: 2^60 leaves in a few hundred
   * bytes. Hashing, comparing or printing it recursively never finishes.
   */
  private static Object laughs(boolean dicts) {
    Object c = "lol";
    for (int k = 0; k < 60; k++) {
      c = dicts ? dict("a", new Put(k, c), "b", new Get(k)) : List.of(new Put(k, c), new Get(k));
    }
    return c;
  }

  /** {s: 1, s: 1, …} in one SETITEMS, for a storage s of 256 kB: every insertion hashes the key. */
  private static Raw storageKeyedDict() {
    Object storage = loadFromBytes(storageStream("FloatStorage", 65536, 65536, new byte[262144]));
    return new Raw(
        concat(
            opcodes(2, new Put(0, storage)),
            new byte[] {'0', '}', '('},
            repeat(new byte[] {'h', 0, 'K', 1}, 100_000),
            new byte[] {'u'}));
  }

  private static byte[] repeat(byte[] part, int times) {
    ByteBuffer out = ByteBuffer.allocate(part.length * times);
    for (int i = 0; i < times; i++) {
      out.put(part);
    }
    return out.array();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("pattern not found");
  }

  private static int lastIndexOf(byte[] haystack, byte[] needle) {
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("pattern not found");
  }
}
