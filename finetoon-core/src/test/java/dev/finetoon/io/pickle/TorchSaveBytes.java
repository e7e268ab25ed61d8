package dev.finetoon.io.pickle;

import dev.finetoon.Tensor;
import dev.finetoon.io.pickle.PickleBytes.Build;
import dev.finetoon.io.pickle.PickleBytes.Call;
import dev.finetoon.io.pickle.PickleBytes.Global;
import dev.finetoon.io.pickle.PickleBytes.PersistentId;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Writes {@code torch.save} files by hand for tests, as PyTorch writes them: rosinality checkpoints of a model (a
 * stored zip archive with 64-byte aligned entries, or a legacy stream), and zip archives of chosen entries, hostile
 * ones included (a declared size other than the data's, a compression method, any name).
 */
public final class TorchSaveBytes {
  private static final Global FLOAT_STORAGE = new Global("torch", "FloatStorage");
  private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
  private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");

  private TorchSaveBytes() {}

  /** One zip entry: its name, bytes, method (0 stored) and the size its headers declare. */
  public record Entry(String name, byte[] data, int method, long declaredSize) {
    public static Entry stored(String name, byte[] data) {
      return new Entry(name, data, 0, data.length);
    }
  }

  /** rosinality's state dict of a model (NVIDIA names mapped back), with the blur kernels it stores. */
  public static Map<String, Tensor> rosinalityStateDict(StyleGanModel model) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    LayerPlan plan = model.plan();
    for (int i = 0; i < plan.mapping().size(); i++) {
      out.put("style." + (i + 1) + ".weight", model.tensor("mapping.fc" + i + ".weight"));
      out.put("style." + (i + 1) + ".bias", model.tensor("mapping.fc" + i + ".bias"));
    }
    Tensor constant = model.tensor("synthesis.b4.const");
    out.put("input.input", constant.reshape(prepend(1, constant.shape())));
    float[] kernel = plan.resampleFilter().clone();
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] *= 4;
    }
    int k = 0;
    for (SynthesisBlock block : plan.blocks()) {
      for (ModulatedConv layer : block.layers()) {
        boolean rgb = layer.name().endsWith(".torgb");
        String name = block.isFirst() ? (rgb ? "to_rgb1" : "conv1")
            : rgb ? "to_rgbs." + k : "convs." + (layer.up() ? 2 * k : 2 * k + 1);
        Tensor weight = model.tensor(layer.weight());
        out.put(name + ".conv.weight", weight.reshape(prepend(1, weight.shape())));
        out.put(name + ".conv.modulation.weight", model.tensor(layer.affine().weight()));
        out.put(name + ".conv.modulation.bias", model.tensor(layer.affine().bias()));
        if (rgb) {
          Tensor bias = model.tensor(layer.bias());
          out.put(name + ".bias", bias.reshape(1, bias.size(), 1, 1));
          if (!block.isFirst()) {
            out.put(name + ".upsample.kernel", Tensor.of(kernel, 4, 4));
          }
        } else {
          if (layer.up()) {
            out.put(name + ".conv.blur.kernel", Tensor.of(kernel, 4, 4));
          }
          out.put(name + ".noise.weight", model.tensor(layer.noiseStrength()).reshape(1));
          out.put(name + ".activate.bias", model.tensor(layer.bias()));
          int index = block.isFirst() ? 0 : layer.up() ? 2 * k + 1 : 2 * k + 2;
          Tensor noise = model.tensor(layer.noiseConst());
          out.put("noises.noise_" + index, noise.reshape(prepend(1, prepend(1, noise.shape()))));
        }
      }
      k += block.isFirst() ? 0 : 1;
    }
    return out;
  }

  /**
   * A torch.save zip archive in folder {@code folder} of {@code top}: a dict whose values are state dicts
   * ({@code Map<String, Tensor>}) or tensors. Storages are keyed {@code 0, 1, …}, entries in torch's order.
   */
  public static byte[] zipCheckpoint(String folder, Map<String, Object> top) {
    Map<String, byte[]> storages = new TreeMap<>();
    byte[] pickle = PickleBytes.pickle(2, value(top, storages, false));
    List<Entry> entries = new ArrayList<>();
    entries.add(Entry.stored(folder + "/data.pkl", pickle));
    storages.forEach((key, data) -> entries.add(Entry.stored(folder + "/data/" + key, data)));
    entries.add(Entry.stored(folder + "/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
    return zip(entries);
  }

  /** The same object as a legacy (pre-1.6) torch.save stream. */
  public static byte[] legacyCheckpoint(Map<String, Object> top) {
    Map<String, byte[]> storages = new TreeMap<>();
    Object value = value(top, storages, true);
    Map<Object, Object> sysInfo = PickleBytes.dict("protocol_version", 1001, "little_endian", true, "type_sizes",
        PickleBytes.dict("short", 2, "int", 4, "long", 4));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PickleBytes.pickle(2, new BigInteger("1950a86a20f9469cfc6c", 16)));
    out.writeBytes(PickleBytes.pickle(2, 1001));
    out.writeBytes(PickleBytes.pickle(2, sysInfo));
    out.writeBytes(PickleBytes.pickle(2, value));
    out.writeBytes(PickleBytes.pickle(2, new ArrayList<Object>(storages.keySet())));
    storages.values().forEach(data -> {
      out.writeBytes(PickleBytes.le64(data.length / 4));
      out.writeBytes(data);
    });
    return out.toByteArray();
  }

  /** A zip archive of these entries, each local header padded so the data starts 64-byte aligned. */
  public static byte[] zip(List<Entry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream central = new ByteArrayOutputStream();
    for (Entry e : entries) {
      byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
      int offset = out.size();
      int pad = (64 - (offset + 30 + name.length + 4) % 64) % 64;
      CRC32 crc = new CRC32();
      crc.update(e.data());
      out.writeBytes(le(30).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
          .putShort((short) e.method()).putInt(0).putInt((int) crc.getValue()).putInt((int) e.declaredSize())
          .putInt((int) e.declaredSize()).putShort((short) name.length).putShort((short) (pad + 4)).array());
      out.writeBytes(name);
      out.writeBytes(le(4).putShort((short) 0x4246).putShort((short) pad).array()); // torch's "FB" padding field
      out.writeBytes(new byte[pad]);
      out.writeBytes(e.data());
      central.writeBytes(le(46).putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
          .putShort((short) e.method()).putInt(0).putInt((int) crc.getValue()).putInt((int) e.declaredSize())
          .putInt((int) e.declaredSize()).putShort((short) name.length).putShort((short) 0).putShort((short) 0)
          .putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset).array());
      central.writeBytes(name);
    }
    int directoryOffset = out.size();
    out.writeBytes(central.toByteArray());
    out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) entries.size()).putShort((short) entries.size()).putInt(central.size())
        .putInt(directoryOffset).putShort((short) 0).array());
    return out.toByteArray();
  }

  /** A tensor pickled as torch does: {@code _rebuild_tensor_v2(persistent storage, 0, size, stride, False, {})}. */
  static Call tensor(Tensor t, String key, boolean legacy) {
    int[] shape = t.shape();
    Object[] size = new Object[shape.length];
    Object[] stride = new Object[shape.length];
    int step = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      size[d] = shape[d];
      stride[d] = step;
      step *= shape[d];
    }
    Object[] pid = legacy ? new Object[] {"storage", FLOAT_STORAGE, key, "cpu", t.size(), null}
        : new Object[] {"storage", FLOAT_STORAGE, key, "cpu", t.size()};
    return new Call(REBUILD_TENSOR, new PersistentId(pid), 0, size, stride, false, new Call(ORDERED_DICT));
  }

  private static Object value(Object v, Map<String, byte[]> storages, boolean legacy) {
    if (v instanceof Tensor t) {
      String key = Integer.toString(storages.size());
      storages.put(key, t.toLittleEndianBytes());
      return tensor(t, key, legacy);
    }
    if (v instanceof Map<?, ?> map) {
      List<Object> items = new ArrayList<>();
      map.forEach((key, item) -> items.add(new Object[] {key, value(item, storages, legacy)}));
      return new Build(new Call(ORDERED_DICT, items), PickleBytes.dict("_metadata", new Call(ORDERED_DICT)));
    }
    return v;
  }

  private static int[] prepend(int first, int[] shape) {
    int[] out = new int[shape.length + 1];
    out[0] = first;
    System.arraycopy(shape, 0, out, 1, shape.length);
    return out;
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
