package dev.finetoon.io.pickle;

import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.io.AtomicFiles;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Writes a generator as an NVIDIA stylegan2-ada-pytorch {@code .pkl}, taking everything but the weights from a
 * template pickle of the same architecture: its object graph, its embedded module source (never generated), its
 * discriminator and training settings. The result is the template's bytes with the float32 storage data of the
 * generator's parameters and buffers replaced — in {@code G_ema} and, in a training snapshot, in {@code G} too — so
 * NVIDIA's {@code legacy.load_network_pkl} loads it exactly as it loads the template. Before anything is written the
 * new bytes are read back and every tensor compared bit for bit with the model's.
 *
 * <pre>{@code
 * StyleGanModel toon = ModelFiles.read(Path.of("toon-rosinality.pt"));
 * NvidiaPickleWriter.write(toon, Path.of("ffhq-res1024.pkl"), Path.of("toon.pkl"));
 * }</pre>
 *
 * <p>Thread-safe: every call works on its own state.
 */
public final class NvidiaPickleWriter {
  private NvidiaPickleWriter() {}

  /**
   * Writes {@code model} to {@code file} atomically in {@code template}'s structure. Throws
   * {@link IncompatibleModelsException} when the template's architecture differs (it names the setting or tensor),
   * {@link ModelFormatException} when the template is not an NVIDIA pickle or stores a generator tensor other than as
   * float32 data of {@code torch.storage._load_from_bytes}.
   */
  public static void write(StyleGanModel model, Path template, Path file) throws IOException {
    long size = Files.size(template);
    if (size > Integer.MAX_VALUE - 64) {
      throw new ModelFormatException(template + " is " + size + " bytes; pickles over 2 GiB are not supported");
    }
    String source = template.toString();
    byte[] bytes = Files.readAllBytes(template);
    Map<byte[], Integer> payloads = new IdentityHashMap<>();
    Object top = NvidiaPickleReader.unpickle(bytes, source, PickleGlobals.forModelFiles(), null, payloads);
    PersistentModule gEma = NvidiaPickleReader.generator(top, source).generator();
    GeneratorConfig templateConfig = NvidiaPickleReader.configOf(gEma);
    checkSameArchitecture(model.config(), templateConfig, source);
    List<PersistentModule> targets = new ArrayList<>(List.of(gEma));
    if (top instanceof Map<?, ?> snapshot && snapshot.get("G") instanceof PersistentModule g && g != gEma) {
      targets.add(g);
    }
    byte[] out = bytes.clone();
    ByteBuffer patch = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (PersistentModule generator : targets) {
      Map<String, TensorRef> refs = NvidiaPickleReader.tensorRefs(generator, bytes.length);
      for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
        TensorRef ref = refs.get(e.getKey());
        if (ref == null || !Arrays.equals(ref.size(), e.getValue().shape())) {
          throw new IncompatibleModelsException("template " + source + " has "
              + (ref == null ? "no tensor " + e.getKey() : e.getKey() + " of shape " + Arrays.toString(ref.size()))
              + " where the model has " + Arrays.toString(e.getValue().shape()));
        }
        overwrite(patch, ref, e.getKey(), e.getValue(), payloads, source);
      }
    }
    checkReadsBack(model, NvidiaPickleReader.read(out, file.toString()), source);
    AtomicFiles.write(file, out);
  }

  private static void overwrite(
      ByteBuffer patch, TensorRef ref, String name, Tensor value, Map<byte[], Integer> payloads, String source)
      throws ModelFormatException {
    TorchStorage storage = ref.storage();
    ByteBuffer data = storage.data();
    Integer payload = data.hasArray() ? payloads.get(data.array()) : null;
    if (storage.type() != StorageType.FLOAT || payload == null) {
      throw new ModelFormatException("template " + source + " stores " + name + " as " + storage.type()
          + (payload == null ? " outside a _load_from_bytes payload" : "") + "; only float32 storages are rewritten");
    }
    int base = payload + data.arrayOffset();
    float[] values = value.toArray();
    ref.forEachElement(values.length, (i, at) -> patch.putFloat(base + at * Float.BYTES, values[i]));
  }

  /** Compares everything that changes outputs or the tensors; fp16 use and w_avg's training decay do neither. */
  private static void checkSameArchitecture(GeneratorConfig model, GeneratorConfig template, String source) {
    MappingConfig mm = model.mapping();
    MappingConfig tm = template.mapping();
    SynthesisConfig ms = model.synthesis();
    SynthesisConfig ts = template.synthesis();
    Map<String, List<Object>> settings = new LinkedHashMap<>();
    settings.put("z_dim", List.of(model.zDim(), template.zDim()));
    settings.put("c_dim", List.of(model.cDim(), template.cDim()));
    settings.put("w_dim", List.of(model.wDim(), template.wDim()));
    settings.put("img_resolution", List.of(model.imgResolution(), template.imgResolution()));
    settings.put("img_channels", List.of(model.imgChannels(), template.imgChannels()));
    settings.put("mapping num_layers", List.of(mm.numLayers(), tm.numLayers()));
    settings.put("mapping embed_features", List.of(mm.embedFeatures(), tm.embedFeatures()));
    settings.put("mapping layer_features", List.of(mm.layerFeatures(), tm.layerFeatures()));
    settings.put("mapping lr_multiplier", List.of(mm.lrMultiplier(), tm.lrMultiplier()));
    settings.put("channel_base", List.of(ms.channelBase(), ts.channelBase()));
    settings.put("channel_max", List.of(ms.channelMax(), ts.channelMax()));
    settings.put("conv_clamp", List.of(describe(ms.convClamp()), describe(ts.convClamp())));
    settings.put("architecture", List.of(ms.architecture(), ts.architecture()));
    settings.put("resample_filter", List.of(ms.resampleFilter(), ts.resampleFilter()));
    settings.put("use_noise", List.of(ms.useNoise(), ts.useNoise()));
    List<String> differences = new ArrayList<>();
    settings.forEach((name, values) -> {
      if (!values.get(0).equals(values.get(1))) {
        differences.add(name + " " + values.get(0) + " (template " + values.get(1) + ")");
      }
    });
    if (!differences.isEmpty()) {
      throw new IncompatibleModelsException(
          "template " + source + " has another architecture than the model: " + String.join(", ", differences));
    }
  }

  private static String describe(OptionalDouble clamp) {
    return clamp.isPresent() ? Double.toString(clamp.getAsDouble()) : "none";
  }

  /** A template whose tensors share storage would make one tensor's new values overwrite another's. */
  private static void checkReadsBack(StyleGanModel model, StyleGanModel written, String source)
      throws ModelFormatException {
    for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
      float[] expected = e.getValue().toArray();
      float[] actual = written.tensor(e.getKey()).toArray();
      for (int i = 0; i < expected.length; i++) {
        if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
          throw new ModelFormatException("template " + source + ": " + e.getKey()
              + " shares its storage with another tensor, so its new values cannot be written");
        }
      }
    }
  }
}
