package dev.finetoon.fuzz;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.Tensor;
import dev.finetoon.image.TestJpegs;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyArray;
import dev.finetoon.io.NpyDType;
import dev.finetoon.io.NpyFile;
import dev.finetoon.io.NpzFile;
import dev.finetoon.io.SafetensorsFile;
import dev.finetoon.io.pickle.GeneratorPickleWriter;
import dev.finetoon.io.pickle.TensorFlowPickleBytes;
import dev.finetoon.io.pickle.TorchSaveBytes;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.RandomModels;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * How the fuzz corpus under {@code src/test/resources/fuzz/<format>/} was made. The files are committed, so that the
 * corpus stays the same whatever a later writer or encoder does; {@link #main} writes them afresh:
 *
 * <pre>{@code
 * java -cp <test classpath> dev.finetoon.fuzz.CorpusSeeds finetoon-core/src/test/resources/fuzz [format…]
 * }</pre>
 */
public final class CorpusSeeds {
  private CorpusSeeds() {}

  /**
   * The smallest complete StyleGAN2-ADA generator worth fuzzing: 8 px (blocks b4 and b8 of 4 channels), z and w of
   * 4, one mapping layer, noise, conv_clamp 256, b8 in fp16 as NVIDIA's num_fp16_res would run it.
   */
  public static GeneratorConfig tinyConfig() {
    return GeneratorConfig.builder(4, 4, 8)
        .mapping(MappingConfig.defaults(4, 0).withNumLayers(1))
        .synthesis(new SynthesisConfig(32, 4, 1, OptionalDouble.of(256), "skip", List.of(1.0, 3.0, 3.0, 1.0), true))
        .build();
  }

  /** The tiny generator's G_ema (seed 1) or, in snapshots, its training copy G (seed 2). */
  public static StyleGanModel tinyModel(long seed) {
    return RandomModels.create(tinyConfig(), seed);
  }

  /** The seed files of one format by name. */
  public static Map<String, byte[]> generate(String format) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Path dir = Files.createTempDirectory("fuzz-seeds");
    switch (format) {
      case "pickle" -> {
        files.put("generator-p3.pkl", GeneratorPickleWriter.generator(tinyModel(1), 3));
        files.put("generator-p4.pkl", GeneratorPickleWriter.generator(tinyModel(1), 4));
        files.put("snapshot-p3.pkl", GeneratorPickleWriter.snapshot(tinyModel(2), tinyModel(1)));
        files.put("tensorflow-p3.pkl", TensorFlowPickleBytes.tuple(tinyModel(1)));
      }
      case "storage" -> {
        files.put("float.storage", GeneratorPickleWriter.storageStream("FloatStorage", 6,
            Tensor.of(new float[] {1, -2, 0.5f, 3e-8f, Float.NaN, 1e30f}, 6).toLittleEndianBytes(), "140235"));
        files.put("half.storage",
            GeneratorPickleWriter.storageStream("HalfStorage", 4, shorts(0x3C00, 0xC000, 0x3800, 0x7C00), "140236"));
      }
      case "torchsave" -> {
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("g_ema", TorchSaveBytes.rosinalityStateDict(tinyModel(1)));
        checkpoint.put("latent_avg", tinyModel(1).tensor("mapping.w_avg"));
        files.put("rosinality-zip.pt", TorchSaveBytes.zipCheckpoint("rosinality-zip", checkpoint));
        files.put("rosinality-legacy.pt", TorchSaveBytes.legacyCheckpoint(checkpoint));
        files.put("rosinality-g-only.pt", TorchSaveBytes.zipCheckpoint("g", Map.of("g", checkpoint.get("g_ema"))));
      }
      case "npy" -> {
        files.put("f4.npy", npy(dir, NpyArray.of(Tensor.of(new float[] {1, -2, 0.5f, 0, 1e-3f, 7}, 2, 3))));
        files.put("f8.npy", npy(dir, NpyArray.of(NpyDType.FLOAT64, littleEndian(24).putDouble(0.1).putDouble(-1e300)
            .putDouble(2).array(), 3)));
        files.put("u1.npy", npy(dir, NpyArray.ofUint8(ramp(12), 2, 2, 3)));
        files.put("i8.npy", npy(dir, NpyArray.of(NpyDType.INT64, littleEndian(32).putLong(7).putLong(-1)
            .putLong(Long.MAX_VALUE).putLong(0).array(), 4)));
        files.put("f4-scalar-v3.npy", npyVersion3());
      }
      case "npz" -> {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("w", NpyArray.of(Tensor.of(new float[] {0.25f, -1, 2, 3, 4, 5, 6, 7}, 1, 2, 4)));
        arrays.put("img", NpyArray.ofUint8(ramp(12), 2, 2, 3));
        NpzFile.write(dir.resolve("stored.npz"), arrays);
        NpzFile.writeCompressed(dir.resolve("deflated.npz"), arrays);
        files.put("stored.npz", Files.readAllBytes(dir.resolve("stored.npz")));
        files.put("deflated.npz", Files.readAllBytes(dir.resolve("deflated.npz")));
        files.put("numpy-savez.npz", resource("/dev/finetoon/io/numpy_savez.npz"));
        files.put("numpy-savez-compressed.npz", resource("/dev/finetoon/io/numpy_savez_compressed.npz"));
      }
      case "safetensors" -> {
        ModelFiles.write(tinyModel(1), dir.resolve("model.safetensors"));
        SafetensorsFile.write(dir.resolve("plain.safetensors"),
            ImmutableMap.of("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), "empty", Tensor.zeros(0)),
            ImmutableMap.of("k", "v"));
        files.put("model.safetensors", Files.readAllBytes(dir.resolve("model.safetensors")));
        files.put("plain.safetensors", Files.readAllBytes(dir.resolve("plain.safetensors")));
        files.put("dtypes.safetensors", dtypesSafetensors());
      }
      case "photo" -> {
        BufferedImage rgb = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        BufferedImage grey = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage palette = new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_INDEXED);
        SplittableRandom random = new SplittableRandom(5);
        for (int y = 0; y < 6; y++) {
          for (int x = 0; x < 8; x++) {
            int colour = random.nextInt(1 << 24);
            rgb.setRGB(x, y, colour);
            grey.setRGB(x, y, colour);
            palette.setRGB(x, y, colour);
          }
        }
        files.put("rgb.png", encode(rgb, "png"));
        files.put("grey.png", encode(grey, "png"));
        files.put("palette.gif", encode(palette, "gif"));
        files.put("rgb.bmp", encode(rgb, "bmp"));
        files.put("rgb.tiff", encode(rgb, "tiff"));
        files.put("exif-rotated.jpg", TestJpegs.withOrientation(TestJpegs.rgb(rgb), 6));
        int[] cmyk = new int[8 * 6 * 4];
        for (int i = 0; i < cmyk.length; i++) {
          cmyk[i] = random.nextInt(256);
        }
        files.put("cmyk.jpg", TestJpegs.withAdobeTransform(TestJpegs.fourComponents(8, 6, cmyk), 0));
      }
      default -> throw new IllegalArgumentException("no fuzz corpus for " + format);
    }
    try (var leftovers = Files.list(dir)) {
      for (Path file : (Iterable<Path>) leftovers::iterator) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
    return files;
  }

  /** Writes every format's seeds under {@code args[0]}, one folder per format. */
  public static void main(String[] args) throws IOException {
    for (String format : args.length > 1 ? List.of(args).subList(1, args.length)
        : List.of("pickle", "storage", "torchsave", "npy", "npz", "safetensors", "photo")) {
      Path dir = Files.createDirectories(Path.of(args[0], format));
      for (Map.Entry<String, byte[]> file : generate(format).entrySet()) {
        Files.write(dir.resolve(file.getKey()), file.getValue());
      }
    }
  }

  private static byte[] npy(Path dir, NpyArray array) throws IOException {
    Path file = dir.resolve("array.npy");
    NpyFile.write(file, array);
    return Files.readAllBytes(file);
  }

  /** A float32 scalar in format version 3.0 (4-byte header length, UTF-8 text), which numpy writes for rare names. */
  private static byte[] npyVersion3() {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }";
    header += " ".repeat(64 - (12 + header.length() + 1) % 64) + "\n";
    return littleEndian(12 + header.length() + 4)
        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0})
        .putInt(header.length())
        .put(header.getBytes(StandardCharsets.US_ASCII))
        .putFloat(42.5f)
        .array();
  }

  /** A safetensors file of the element types finetoon converts: F16, BF16 and F64, with metadata. */
  private static byte[] dtypesSafetensors() {
    String header =
        "{\"__metadata__\":{\"format\":\"pt\"},\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[4,8]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return littleEndian(8 + json.length + 16)
        .putLong(json.length)
        .put(json)
        .put(shorts(0x3C00, 0xC000, 0x3F80, 0xC040))
        .putDouble(0.1)
        .array();
  }

  private static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IOException("no ImageIO writer for " + format);
    }
    return out.toByteArray();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = CorpusSeeds.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] ramp(int n) {
    byte[] values = new byte[n];
    for (int i = 0; i < n; i++) {
      values[i] = (byte) (i * 23);
    }
    return values;
  }

  private static byte[] shorts(int... values) {
    ByteBuffer out = littleEndian(2 * values.length);
    for (int v : values) {
      out.putShort((short) v);
    }
    return out.array();
  }

  private static ByteBuffer littleEndian(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
