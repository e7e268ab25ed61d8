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
import java.util.List;
import java.util.Map;

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
    GeneratorConfig templateConfig =
        GeneratorKwargs.parse(gEma.state().get("_init_args"), gEma.state().get("_init_kwargs"));
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
    GeneratorConfig a = withoutTrainingSettings(model);
    GeneratorConfig b = withoutTrainingSettings(template);
    if (!a.equals(b)) {
      throw new IncompatibleModelsException(
          "template " + source + " has another architecture than the model: template " + b + ", model " + a);
    }
  }

  private static GeneratorConfig withoutTrainingSettings(GeneratorConfig c) {
    MappingConfig m = c.mapping();
    SynthesisConfig s = c.synthesis();
    return new GeneratorConfig(c.zDim(), c.cDim(), c.wDim(), c.imgResolution(), c.imgChannels(),
        new MappingConfig(m.numLayers(), m.embedFeatures(), m.layerFeatures(), m.lrMultiplier(), 0),
        new SynthesisConfig(s.channelBase(), s.channelMax(), 0, s.convClamp(), s.architecture(), s.resampleFilter(),
            s.useNoise()));
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
