package dev.finetoon.face.faceapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.fuzz.FuzzHarness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dtype and quantisation of the tfjs format on a small hand-made model, then corrupt and hostile files: each
 * must fail with a {@link ModelFormatException} that names the problem.
 */
class FaceApiWeightsCorruptTest {
  /** Group 0 spans two shards, split inside weight "i"; group 1 has its own. */
  private static final String MANIFEST =
      json(
          "[{'paths':['a.bin','b.bin'],'weights':["
              + "{'name':'f','shape':[2],'dtype':'float32'},"
              + "{'name':'i','shape':[2],'dtype':'int32'},"
              + "{'name':'u8','shape':[2,2],'dtype':'float32','quantization':{'dtype':'uint8','scale':0.5,'min':-1}},"
              + "{'name':'u16','shape':[1],'dtype':'float32','quantization':{'dtype':'uint16','scale':0.25,'min':1}},"
              + "{'name':'h','shape':[],'dtype':'float32','quantization':{'dtype':'float16'}},"
              + "{'name':'qi','shape':[2],'dtype':'int32','quantization':{'dtype':'uint8','scale':0.5,'min':0.25}},"
              + "{'name':'empty','shape':[0,3],'dtype':'float32'}]},"
              + "{'paths':['c.bin'],'weights':[{'name':'g','shape':[1],'dtype':'float32'}]}]");

  @TempDir Path dir;
  private Path manifest;
  private byte[] group0;

  @BeforeEach
  void writeModel() throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putFloat(1.5f).putFloat(-2f).putInt(7).putInt(-3);
    bytes.put((byte) 0).put((byte) 1).put((byte) 2).put((byte) 255);
    bytes.putShort((short) 4).putShort((short) 0x3C00);
    bytes.put((byte) 1).put((byte) 3);
    group0 = bytes.array();
    manifest = dir.resolve("m-weights_manifest.json");
    Files.writeString(manifest, MANIFEST);
    Files.write(dir.resolve("a.bin"), Arrays.copyOfRange(group0, 0, 11));
    Files.write(dir.resolve("b.bin"), Arrays.copyOfRange(group0, 11, group0.length));
    Files.write(dir.resolve("c.bin"), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(3.25f).array());
  }

  @Test
  void everyDtypeDecodes() throws IOException {
    Map<String, Tensor> w = FaceApiWeights.read(manifest);

    assertThat(w.keySet()).containsExactly("f", "i", "u8", "u16", "h", "qi", "empty", "g");
    assertThat(w.get("f")).isEqualTo(Tensor.of(new float[] {1.5f, -2f}, 2));
    assertThat(w.get("i")).isEqualTo(Tensor.of(new float[] {7, -3}, 2));
    assertThat(w.get("u8")).isEqualTo(Tensor.of(new float[] {-1, -0.5f, 0, 126.5f}, 2, 2));
    assertThat(w.get("u16")).isEqualTo(Tensor.of(new float[] {2}, 1));
    assertThat(w.get("h")).isEqualTo(Tensor.of(new float[] {1}));
    assertThat(w.get("qi")).isEqualTo(Tensor.of(new float[] {1, 2}, 2)); // Math.round(0.75), Math.round(1.75)
    assertThat(w.get("empty").shape()).containsExactly(0, 3);
    assertThat(w.get("g")).isEqualTo(Tensor.of(new float[] {3.25f}, 1));
    assertThat(FaceApiWeights.read(dir, "m")).isEqualTo(w);
  }

  /** tfjs computes q·scale + min in double and rounds once; float32 arithmetic differs for most q of this scale. */
  @Test
  void dequantisationIsDoubleRoundedOnce() throws IOException {
    double scale = 0.0005260649557207145;
    double min = -0.07101876902229645;
    byte[] bin = new byte[256];
    for (int q = 0; q < 256; q++) {
      bin[q] = (byte) q;
    }
    Path m =
        write(
            json(
                "[{'paths':['q.bin'],'weights':[{'name':'q','shape':[256],'dtype':'float32',"
                    + "'quantization':{'dtype':'uint8','scale':" + scale + ",'min':" + min + "}}]}]"),
            "q.bin",
            bin);

    float[] values = FaceApiWeights.read(m).get("q").toArray();

    int differ = 0;
    for (int q = 0; q < 256; q++) {
      assertThat(values[q]).as("q=%s", q).isEqualTo((float) (q * scale + min));
      differ += values[q] != (float) q * (float) scale + (float) min ? 1 : 0;
    }
    assertThat(differ).isPositive();
  }

  @Test
  void everyTruncationFails() throws IOException {
    for (int length = 0; length < group0.length; length++) {
      Files.write(dir.resolve("a.bin"), Arrays.copyOf(group0, length));
      Files.write(dir.resolve("b.bin"), new byte[0]);
      assertThatThrownBy(() -> FaceApiWeights.read(manifest))
          .as("group 0 truncated to %s bytes", length)
          .isInstanceOf(ModelFormatException.class)
          .hasMessageContaining("group 0 (a.bin, b.bin)")
          .hasMessageContaining("the shards hold " + length + " bytes but its weights need 26")
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void extraBytesFail() throws IOException {
    Files.write(dir.resolve("c.bin"), new byte[5]);
    assertThatThrownBy(() -> FaceApiWeights.read(manifest))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("group 1 (c.bin)")
        .hasMessageContaining("more than the 4 bytes");

    Files.write(dir.resolve("c.bin"), new byte[4]);
    Files.write(dir.resolve("a.bin"), group0); // group 0's bytes all in the first shard, then b.bin's on top
    assertThatThrownBy(() -> FaceApiWeights.read(manifest))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than the 26 bytes");
  }

  @Test
  void missingFilesFail() throws IOException {
    Files.delete(dir.resolve("b.bin"));
    assertThatThrownBy(() -> FaceApiWeights.read(manifest))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("b.bin")
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> FaceApiWeights.read(dir, "absent"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("absent-weights_manifest.json")
        .hasMessageContaining("missing");
  }

  static Stream<Arguments> badManifests() {
    String ok = "{'name':'w','shape':[1],'dtype':'float32'}";
    return Stream.of(
        Arguments.of("", "not a JSON array of weight groups but MISSING"),
        Arguments.of("[{'paths':['x.bin'],", "not valid JSON"),
        Arguments.of("[] []", "not valid JSON"),
        Arguments.of("{'paths':['x.bin'],'weights':[]}", "not a JSON array of weight groups"),
        Arguments.of("[1]", "group 0 is not a JSON object"),
        Arguments.of("[{'weights':[" + ok + "]}]", "has no \"paths\""),
        Arguments.of("[{'paths':[],'weights':[" + ok + "]}]", "not a non-empty array"),
        Arguments.of("[{'paths':['x.bin']}]", "has no \"weights\""),
        Arguments.of("[{'paths':['x.bin'],'weights':{}}]", "not an array"),
        Arguments.of("[{'paths':['x.bin'],'weights':[1]}]", "not a JSON object"),
        Arguments.of("[{'paths':['x.bin'],'weights':[{'shape':[1],'dtype':'float32'}]}]", "has no \"name\""),
        Arguments.of("[{'paths':['x.bin'],'weights':[{'name':3,'shape':[1],'dtype':'float32'}]}]", "not a string"),
        Arguments.of("[{'paths':['x.bin'],'weights':[" + ok + "," + ok + "]}]", "repeats the weight name 'w'"),
        Arguments.of("[{'paths':['x.bin'],'paths':['x.bin'],'weights':[" + ok + "]}]", "Duplicate field 'paths'"),
        Arguments.of("[{'paths':['../x.bin'],'weights':[" + ok + "]}]", "plain file name"),
        Arguments.of("[{'paths':['/etc/passwd'],'weights':[" + ok + "]}]", "plain file name"),
        Arguments.of("[{'paths':['..'],'weights':[" + ok + "]}]", "plain file name"),
        Arguments.of("[{'paths':[7],'weights':[" + ok + "]}]", "plain file name"),
        Arguments.of(weight("'shape':[1],'dtype':'bool'"), "dtype \"bool\"; finetoon reads float32 and int32"),
        Arguments.of(weight("'shape':[1],'dtype':'string'"), "dtype \"string\""),
        Arguments.of(weight("'shape':[1],'dtype':'complex64'"), "dtype \"complex64\""),
        Arguments.of(weight("'shape':[1]"), "has no \"dtype\""),
        Arguments.of(weight("'dtype':'float32'"), "has no \"shape\""),
        Arguments.of(weight("'shape':[-1],'dtype':'float32'"), "invalid dimension -1"),
        Arguments.of(weight("'shape':[1.5],'dtype':'float32'"), "invalid dimension 1.5"),
        Arguments.of(weight("'shape':['2'],'dtype':'float32'"), "invalid dimension"),
        Arguments.of(weight("'shape':[4294967297],'dtype':'float32'"), "invalid dimension 4294967297"),
        Arguments.of(weight("'shape':[65536,65536,65536],'dtype':'float32'"), "more than 2^31-1 elements"),
        Arguments.of(weight("'shape':5,'dtype':'float32'"), "not an array"),
        Arguments.of(weight("'shape':[1],'dtype':'float32','quantization':'uint8'"), "not a JSON object"),
        Arguments.of(weight("'shape':[1],'dtype':'float32','quantization':{'scale':1,'min':0}"), "has no \"dtype\""),
        Arguments.of(
            weight("'shape':[1],'dtype':'float32','quantization':{'dtype':'int8','scale':1,'min':0}"),
            "quantization dtype \"int8\""),
        Arguments.of(
            weight("'shape':[1],'dtype':'int32','quantization':{'dtype':'float16'}"),
            "quantization dtype \"float16\""),
        Arguments.of(
            weight("'shape':[1],'dtype':'float32','quantization':{'dtype':'uint8','min':0}"), "has no \"scale\""),
        Arguments.of(
            weight("'shape':[1],'dtype':'float32','quantization':{'dtype':'uint8','scale':1,'min':'0'}"),
            "min \"0\", not a finite number"),
        Arguments.of(
            weight("'shape':[1],'dtype':'float32','quantization':{'dtype':'uint8','scale':1e999,'min':0}"),
            "not a finite number"));
  }

  @ParameterizedTest
  @MethodSource("badManifests")
  void badManifestsFail(String manifestJson, String problem) throws IOException {
    Path m = write(json(manifestJson), "x.bin", new byte[4]);

    assertThatThrownBy(() -> FaceApiWeights.read(m))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("face-api manifest bad-weights_manifest.json")
        .hasMessageContaining(problem);
  }

  @Test
  void hugeShapesFailFastWithoutAllocating() throws IOException {
    // 2^31-1 float32 values claim 8 GiB: refused from the manifest alone.
    Path huge = write("huge", json(weight("'shape':[2147483647],'dtype':'float32'")), "x.bin", new byte[4]);
    // 2e9 uint8 values fit the 2 GiB limit, but the shard holds 4 bytes: refused after reading those 4.
    Path claimed = write(
        "claimed",
        json(weight("'shape':[2000000000],'dtype':'float32','quantization':{'dtype':'uint8','scale':1,'min':0}")),
        "x.bin",
        new byte[4]);
    // Many weights whose sum passes the limit.
    StringBuilder many = new StringBuilder("[{'paths':['x.bin'],'weights':[");
    for (int i = 0; i < 5; i++) {
      many.append(i == 0 ? "" : ",").append("{'name':'w").append(i).append("','shape':[1000000000],'dtype':'int32',")
          .append("'quantization':{'dtype':'uint8','scale':1,'min':0}}");
    }
    Path sum = write("sum", json(many + "]}]"), "x.bin", new byte[4]);

    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertThatThrownBy(() -> FaceApiWeights.read(huge))
              .isInstanceOf(ModelFormatException.class)
              .hasMessageContaining("more than " + FaceApiWeights.MAX_GROUP_BYTES + " bytes");
          assertThatThrownBy(() -> FaceApiWeights.read(claimed))
              .isInstanceOf(ModelFormatException.class)
              .hasMessageContaining("the shards hold 4 bytes but its weights need 2000000000");
          assertThatThrownBy(() -> FaceApiWeights.read(sum))
              .isInstanceOf(ModelFormatException.class)
              .hasMessageContaining("at 'w2'");
        });
  }

  @Test
  void oversizedManifestsAreRefusedUnparsed() throws IOException {
    byte[] big = new byte[FaceApiWeights.MAX_MANIFEST_BYTES + 1];
    Arrays.fill(big, (byte) ' ');
    Files.write(dir.resolve("big-weights_manifest.json"), big);

    assertThatThrownBy(() -> FaceApiWeights.read(dir, "big"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("larger than " + FaceApiWeights.MAX_MANIFEST_BYTES + " bytes");
  }

  /** Mutated manifests (this one and the bundled detector's) read or fail cleanly, within time and memory bounds. */
  @Test
  void everyManifestMutantReadsOrIsRefused() throws IOException {
    String detector = FaceApiWeights.TINY_FACE_DETECTOR;
    Map<String, byte[]> corpus = new TreeMap<>();
    corpus.put("m" + FaceApiWeights.MANIFEST_SUFFIX, MANIFEST.getBytes(StandardCharsets.UTF_8));
    corpus.put(detector + FaceApiWeights.MANIFEST_SUFFIX, resource(detector + FaceApiWeights.MANIFEST_SUFFIX));
    Files.write(dir.resolve(detector + ".bin"), resource(detector + ".bin"));
    Path mutant = dir.resolve("mutant" + FaceApiWeights.MANIFEST_SUFFIX);

    FuzzHarness.of("face-api-manifest", ModelFormatException.class)
        .fuzz(
            corpus,
            bytes -> {
              Files.write(mutant, bytes);
              FaceApiWeights.read(mutant);
            });
  }

  /** Mutated shards (lengths and bytes) read or fail cleanly. */
  @Test
  void everyShardMutantReadsOrIsRefused() throws IOException {
    Map<String, byte[]> corpus = Map.of("group 0", group0);
    Files.write(dir.resolve("b.bin"), new byte[0]);

    FuzzHarness.of("face-api-shard", ModelFormatException.class)
        .fuzz(
            corpus,
            bytes -> {
              Files.write(dir.resolve("a.bin"), bytes);
              FaceApiWeights.read(manifest);
            });
  }

  private Path write(String manifestJson, String shard, byte[] bytes) throws IOException {
    return write("bad", manifestJson, shard, bytes);
  }

  private Path write(String model, String manifestJson, String shard, byte[] bytes) throws IOException {
    Path m = dir.resolve(model + FaceApiWeights.MANIFEST_SUFFIX);
    Files.writeString(m, manifestJson);
    Files.write(dir.resolve(shard), bytes);
    return m;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = FaceApiWeights.bundled(name)) {
      return in.readAllBytes();
    }
  }

  private static String weight(String fields) {
    return "[{'paths':['x.bin'],'weights':[{'name':'w'," + fields + "}]}]";
  }

  /** JSON written with single quotes, for readability. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }
}
