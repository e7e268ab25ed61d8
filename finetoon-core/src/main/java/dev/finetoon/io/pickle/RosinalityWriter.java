package dev.finetoon.io.pickle;

import dev.finetoon.IncompatibleModelsException;
import dev.finetoon.Tensor;
import dev.finetoon.io.AtomicFiles;
import dev.finetoon.io.pickle.PythonPickler.Global;
import dev.finetoon.io.pickle.PythonPickler.PersistentId;
import dev.finetoon.io.pickle.PythonPickler.Reduce;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Writes a generator as a rosinality/stylegan2-pytorch checkpoint: {@code torch.save({"g_ema": state_dict,
 * "latent_avg": w_avg}, path)} in PyTorch's zip format, as its {@code convert_weight.py} saves the converted FFHQ
 * models. rosinality's code loads it with
 * {@code Generator(size, style_dim, n_mlp, channel_multiplier).load_state_dict(torch.load(path)["g_ema"])} and
 * truncates towards {@code latent_avg}. No Python is involved: the pickle is written by {@link PythonPickler} (protocol
 * 2, as torch writes it) and the archive by {@link TorchZipWriter}; each tensor gets a contiguous float32 storage of
 * its own, keys {@code "0"}, {@code "1"}, … in order of use.
 *
 * <p>rosinality's generator has no activation clamp: a model with {@code conv_clamp} is written without it, which
 * changes outputs only where an activation reaches ±conv_clamp.
 *
 * <pre>{@code
 * RosinalityWriter.write(ModelFiles.read(Path.of("ffhq.pkl")), Path.of("ffhq-rosinality.pt"));
 * }</pre>
 *
 * <p>Thread-safe: every call works on its own state.
 */
public final class RosinalityWriter {
  private static final Global FLOAT_STORAGE = new Global("torch", "FloatStorage");

  private RosinalityWriter() {}

  /**
   * Writes {@code model} to {@code file} atomically; throws {@link IncompatibleModelsException} naming what
   * rosinality's Generator cannot hold (labels, z_dim ≠ w_dim, other image channels, mapping lr multiplier or filter).
   */
  public static void write(StyleGanModel model, Path file) throws IOException {
    Map<String, Tensor> stateDict = RosinalityStateDict.of(model);
    List<Tensor> storages = new ArrayList<>();
    Map<Object, Object> stateItems = new LinkedHashMap<>();
    stateDict.forEach((name, tensor) -> stateItems.put(name, tensor(tensor, storages)));
    Map<Object, Object> checkpoint = new LinkedHashMap<>();
    checkpoint.put("g_ema", TorchValues.orderedDict(stateItems));
    checkpoint.put("latent_avg", tensor(model.tensor(LayerPlan.W_AVG), storages));
    byte[] pickle = PythonPickler.dump(2, checkpoint);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < storages.size(); i++) {
      keys.add(Integer.toString(i));
    }
    keys.sort(null); // torch writes the records in string order of their keys: 0, 1, 10, 100, …
    AtomicFiles.write(file, out -> {
      TorchZipWriter zip = new TorchZipWriter(out, archiveFolder(file));
      zip.record("data.pkl", pickle);
      for (String key : keys) {
        zip.record("data/" + key, storages.get(Integer.parseInt(key)).toLittleEndianBytes());
      }
      zip.finish();
    });
  }

  /**
   * The constructor call that rosinality's {@code model.py} needs for this model, e.g.
   * {@code Generator(1024, 512, 8, channel_multiplier=2)}; for widths outside its fixed table, says so.
   */
  public static String generatorCall(GeneratorConfig config) {
    String call = "Generator(" + config.imgResolution() + ", " + config.wDim() + ", " + config.mapping().numLayers();
    OptionalInt multiplier = RosinalityStateDict.channelMultiplier(config);
    if (multiplier.isPresent()) {
      return call + ", channel_multiplier=" + multiplier.getAsInt() + ")";
    }
    return call + ") with its channels table edited: widths " + widths(config)
        + " are not rosinality's 512 up to 32 px then 16384·channel_multiplier/size";
  }

  /** A contiguous tensor over a float32 storage of its own, keyed by its index in {@code storages}. */
  private static Reduce tensor(Tensor tensor, List<Tensor> storages) {
    String key = Integer.toString(storages.size());
    storages.add(tensor);
    PersistentId storage = new PersistentId(new Object[] {"storage", FLOAT_STORAGE, key, "cpu", tensor.size()});
    return TorchValues.contiguousTensor(storage, tensor.shape());
  }

  /** torch names the folder after the file's stem; anything but letters, digits, {@code _-.} becomes {@code _}. */
  private static String archiveFolder(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9_.-]", "_");
    return stem.isEmpty() ? "archive" : stem;
  }

  private static String widths(GeneratorConfig config) {
    Map<Integer, Integer> widths = new LinkedHashMap<>();
    config.blockResolutions().forEach(r -> widths.put(r, config.channels(r)));
    return widths.toString();
  }
}
