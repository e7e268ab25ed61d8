package dev.finetoon.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.fuzz.FuzzHarness;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.pickle.TorchSaveBytes.Entry;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * torch.save containers made by hand: a tiny rosinality checkpoint read back exactly, and hostile variants of the zip
 * archive and the legacy stream, each refused with a {@link ModelFormatException} naming the problem, in bounded time
 * and memory (checked by {@link FuzzHarness}).
 */
class TorchSaveHostileTest {
  @TempDir static Path dir;

  /** A rosinality-shaped generator: 8 px, style_dim 4, one mapping layer, no clamp. */
  static StyleGanModel tinyModel() {
    GeneratorConfig config = GeneratorConfig.builder(4, 4, 8)
        .mapping(MappingConfig.defaults(4, 0).withNumLayers(1))
        .synthesis(new SynthesisConfig(32, 4, 0, OptionalDouble.empty(), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
    return RandomModels.create(config, 7);
  }

  /** {@code {"g_ema": state dict, "latent_avg": w_avg}} of {@link #tinyModel()}. */
  static Map<String, Object> checkpoint() {
    Map<String, Object> top = new LinkedHashMap<>();
    top.put("g_ema", TorchSaveBytes.rosinalityStateDict(tinyModel()));
    top.put("latent_avg", tinyModel().tensor(LayerPlan.W_AVG));
    return top;
  }

  private static Path write(String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void bothContainersOfAHandWrittenCheckpointReadBackExactly() throws IOException {
    StyleGanModel model = tinyModel();
    for (Path file : List.of(write("tiny.pt", TorchSaveBytes.zipCheckpoint("tiny", checkpoint())),
        write("tiny-legacy.pt", TorchSaveBytes.legacyCheckpoint(checkpoint())))) {
      StyleGanModel read = ModelFiles.read(file);
      assertThat(read.tensors().keySet()).isEqualTo(model.tensors().keySet());
      for (String name : model.tensors().keySet()) {
        assertThat(read.tensor(name)).as(name).isEqualTo(model.tensor(name));
      }
    }
  }

  @Test
  void theFolderComesFromDataPklNotFromTheFileName() throws IOException {
    Path renamed = write("renamed.pt", TorchSaveBytes.zipCheckpoint("010000", checkpoint()));
    assertThat(TorchZipArchive.open(renamed).folder()).isEqualTo("010000");
    assertThat(ModelFiles.read(renamed).config().imgResolution()).isEqualTo(8);
  }

  @Test
  void entriesAreLookedUpByNameAndUnknownRecordsIgnored() throws IOException {
    List<Entry> entries = new ArrayList<>(entries(TorchSaveBytes.zipCheckpoint("t", checkpoint())));
    java.util.Collections.reverse(entries);
    entries.add(Entry.stored("t/byteorder", "little".getBytes()));
    entries.add(Entry.stored("t/.data/serialization_id", "1234".getBytes()));
    assertThat(ModelFiles.read(write("reordered.pt", TorchSaveBytes.zip(entries))).tensors())
        .hasSameSizeAs(tinyModel().tensors());
  }

  static Stream<Arguments> hostileArchives() {
    byte[] good = TorchSaveBytes.zipCheckpoint("t", checkpoint());
    List<Entry> entries = entries(good);
    Entry pkl = entries.get(0);
    Entry storage = entries.get(1);
    return Stream.of(
        Arguments.of("an entry whose headers claim 4 GiB", replace(entries, 1,
            new Entry(storage.name(), storage.data(), 0, 0xFFFFFFF0L)), "claims 4294967280 bytes"),
        Arguments.of("a deflated entry (a zip bomb's way in)", replace(entries, 1,
            new Entry(storage.name(), storage.data(), 8, storage.data().length)), "is compressed (method 8"),
        Arguments.of("an entry whose data runs into the next", replace(entries, 1,
            new Entry(storage.name(), storage.data(), 0, storage.data().length + 40)), "overlap"),
        Arguments.of("an entry climbing out with ..", with(entries, Entry.stored("t/../evil", new byte[4])),
            "lies outside the archive's folder"),
        Arguments.of("an entry in another folder", with(entries, Entry.stored("u/data/0", new byte[4])),
            "lies outside the archive's folder"),
        Arguments.of("an absolute entry", with(entries, Entry.stored("/etc/passwd", new byte[4])),
            "lies outside the archive's folder"),
        Arguments.of("a duplicate entry", with(entries, Entry.stored(storage.name(), storage.data())),
            "appears twice"),
        Arguments.of("two pickles", with(entries, Entry.stored("u/data.pkl", pkl.data())), "two pickles"),
        Arguments.of("no pickle", TorchSaveBytes.zip(entries.subList(1, entries.size())), "without <folder>/data.pkl"),
        Arguments.of("a storage shorter than its id", replace(entries, 1,
            Entry.stored(storage.name(), Arrays.copyOf(storage.data(), storage.data().length - 4))),
            "but its entry holds"),
        Arguments.of("a missing storage", TorchSaveBytes.zip(without(entries, 1)), "has no entry t/data/0"),
        Arguments.of("big-endian storages", with(entries, Entry.stored("t/byteorder", "big".getBytes())),
            "big-endian"),
        Arguments.of("no version record", TorchSaveBytes.zip(without(entries, entries.size() - 1)),
            "no valid torch.save version"),
        Arguments.of("a ZIP64 directory", zip64(good), "ZIP64"),
        Arguments.of("a truncated archive", Arrays.copyOf(good, good.length - 30), "no end of central directory"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileArchives")
  void hostileArchivesAreRefusedByName(String what, byte[] bytes, String message) {
    Path file = write("hostile.pt", bytes);
    assertThatThrownBy(() -> ModelFiles.read(file))
        .as(what)
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aTensorReachingPastItsStorageIsRefusedByName() {
    Map<String, Object> top = checkpoint();
    @SuppressWarnings("unchecked")
    Map<String, Object> sd = new LinkedHashMap<>((Map<String, Object>) top.get("g_ema"));
    // style.1.weight [4, 4] at storage offset 4 of a storage of 16 floats: its last element would be number 19.
    Object[] pid = {"storage", new PickleBytes.Global("torch", "FloatStorage"), "x", "cpu", 16};
    sd.put("style.1.weight", new PickleBytes.Call("torch._utils._rebuild_tensor_v2", new PickleBytes.PersistentId(pid),
        4, new Object[] {4, 4}, new Object[] {4, 1}, false, new PickleBytes.Call("collections.OrderedDict")));
    top.put("g_ema", sd);
    byte[] hostile = with(entries(TorchSaveBytes.zipCheckpoint("t", top)), Entry.stored("t/data/x", new byte[64]));
    assertThatThrownBy(() -> ModelFiles.read(write("past.pt", hostile)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("style.1.weight")
        .hasMessageContaining("reaches element 19 of a storage of 16");
  }

  @Test
  void manyKeysViewingOneStorageAreRefused() throws IOException {
    Map<?, ?> sd = (Map<?, ?>) ((Map<?, ?>) TorchSaveFile.load(
        write("shared.pt", TorchSaveBytes.zipCheckpoint("t", checkpoint())))).get("g_ema");
    TensorRef style = (TensorRef) sd.get("style.1.weight");
    Map<Object, Object> shared = new LinkedHashMap<>();
    sd.forEach((k, v) -> {
      TensorRef t = (TensorRef) v;
      // Every tensor a view (stride 0) of one storage of 16 floats: together they would read it hundreds of times.
      shared.put(k, new TensorRef(style.storage(), 0, t.size(), new long[t.size().length]));
    });
    assertThatThrownBy(() -> RosinalityReader.fromStateDict(shared, "", Tensor.zeros(4), Map.of()))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("overlap in storage");
  }

  @Test
  void everyTruncationOfALegacyStreamIsRefused() {
    byte[] legacy = TorchSaveBytes.legacyCheckpoint(checkpoint());
    for (int length : new int[] {20, 60, 200, legacy.length / 2, legacy.length - 9, legacy.length - 1}) {
      Path file = write("cut.pt", Arrays.copyOf(legacy, length));
      assertThatThrownBy(() -> ModelFiles.read(file)).as("cut at %s of %s", length, legacy.length)
          .isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void aLegacyCountClaimingMoreThanTheFileHoldsIsRefused() {
    byte[] legacy = TorchSaveBytes.legacyCheckpoint(checkpoint());
    byte[] count = PickleBytes.le64(16);
    byte[] hostile = replaceOnce(legacy, count, PickleBytes.le64(1L << 40));
    assertThatThrownBy(() -> ModelFiles.read(write("count.pt", hostile)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("claims 1099511627776 elements");
  }

  @Test
  void hostileContainersTakeBoundedTimeAndMemory() {
    List<Arguments> all = hostileArchives().toList();
    FuzzHarness.of("torch-save-hostile", ModelFormatException.class).run(all.size(), i -> {
      byte[] bytes = (byte[]) all.get(i).get()[1];
      return new FuzzHarness.Case((String) all.get(i).get()[0], bytes, () -> ModelFiles.read(write("h" + i, bytes)));
    });
  }

  /** The entries of an archive {@link TorchSaveBytes#zip} wrote, in order. */
  private static List<Entry> entries(byte[] zip) {
    try {
      TorchZipArchive archive = TorchZipArchive.open(write("parse.pt", zip));
      List<Entry> out = new ArrayList<>();
      for (String name : archive.names()) {
        out.add(Entry.stored(archive.folder() + "/" + name, archive.bytes(name)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] replace(List<Entry> entries, int index, Entry entry) {
    List<Entry> out = new ArrayList<>(entries);
    out.set(index, entry);
    return TorchSaveBytes.zip(out);
  }

  private static byte[] with(List<Entry> entries, Entry extra) {
    List<Entry> out = new ArrayList<>(entries);
    out.add(extra);
    return TorchSaveBytes.zip(out);
  }

  private static List<Entry> without(List<Entry> entries, int index) {
    List<Entry> out = new ArrayList<>(entries);
    out.remove(index);
    return out;
  }

  /** The end record's directory offset set to 0xFFFFFFFF, as ZIP64 archives mark it. */
  private static byte[] zip64(byte[] zip) {
    byte[] out = zip.clone();
    for (int i = 16; i < 20; i++) {
      out[out.length - 22 + i] = (byte) 0xff;
    }
    return out;
  }

  private static byte[] replaceOnce(byte[] haystack, byte[] needle, byte[] replacement) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        byte[] out = haystack.clone();
        System.arraycopy(replacement, 0, out, i, replacement.length);
        return out;
      }
    }
    throw new AssertionError("pattern not found");
  }
}
