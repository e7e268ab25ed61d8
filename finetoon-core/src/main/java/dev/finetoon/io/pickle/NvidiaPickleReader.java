package dev.finetoon.io.pickle;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.StyleGanModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the generator from a {@code .pkl} made by NVIDIA's stylegan2-ada-pytorch: an ADA training snapshot (a dict
 * with {@code G}, {@code D}, {@code G_ema}, …; the generator is {@code G_ema}) or a bare pickled {@code Generator} as
 * the Fine-Tooning notebooks save them. Nothing in the file is executed; see {@link PickleGlobals}.
 *
 * <pre>{@code
 * StyleGanModel ffhq = NvidiaPickleReader.read(Path.of("ffhq-res256-mirror-paper256-noaug.pkl"));
 * }</pre>
 *
 * <p>Thread-safe: every call works on its own state.
 */
public final class NvidiaPickleReader {
  /** The first byte of a pickle of protocol 2 or later. */
  private static final int PROTO = 0x80;

  private NvidiaPickleReader() {}

  /** Reads a pickle file's generator; throws {@link ModelFormatException} naming what is wrong with the file. */
  public static StyleGanModel read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 64) {
      throw new ModelFormatException(file + " is " + size + " bytes; pickles over 2 GiB are not supported");
    }
    return read(Files.readAllBytes(file), file.toString());
  }

  /** Reads a pickle held in memory; {@code source} names it in messages and in the model's provenance. */
  public static StyleGanModel read(byte[] bytes, String source) throws ModelFormatException {
    Object top = unpickle(bytes, source, PickleGlobals.forModelFiles());
    if (TensorFlowPickleReader.isNetworkTuple(top)) {
      return TensorFlowPickleReader.read((Object[]) top, source, bytes.length);
    }
    Found found = generator(top, source);
    PersistentModule g = found.generator();
    String format = found.format();
    StyleGan3RepoGenerators.refuseStyleGan3(g, format.equals("nvidia-snapshot") ? "G_ema" : "generator");
    if (StyleGan3RepoGenerators.isStyleGan3Repository(g)) {
      format = format.replace("nvidia-", "stylegan3-repo-");
    }
    GeneratorConfig config = configOf(g);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, TensorRef> e : tensorRefs(g, bytes.length).entrySet()) {
      tensors.put(e.getKey(), e.getValue().toTensor(e.getKey()));
    }
    try {
      return StyleGanModel.of(config, tensors, ImmutableMap.of("source", source, "format", format));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": " + e.getMessage() + describeSynthesis(g), e);
    }
  }

  /**
   * The generator of an unpickled file and how it came ({@code nvidia-snapshot}, {@code nvidia-generator}, or
   * {@code stylegan3-repo-…} for the StyleGAN3 repository's StyleGAN2 generators).
   */
  record Found(String format, PersistentModule generator) {}

  /**
   * The generator finetoon reads from an unpickled file: a snapshot's {@code G_ema}, or a bare Generator; StyleGAN3
   * (alias-free) generators are refused.
   */
  static Found generator(Object top, String source) throws ModelFormatException {
    String format;
    Object generator;
    if (top instanceof PersistentModule module) {
      format = "nvidia-generator";
      generator = module;
    } else if (top instanceof Map<?, ?> snapshot && !(top instanceof InertObject)) {
      format = "nvidia-snapshot";
      generator = snapshot.get("G_ema");
      if (generator == null) {
        throw new ModelFormatException(
            source + " is a dict without 'G_ema' (keys: " + PickleText.shorten(String.valueOf(snapshot.keySet()))
                + "); expected an ADA training snapshot");
      }
    } else {
      throw new ModelFormatException(
          source + " holds " + GeneratorKwargs.describe(top) + ", not a StyleGAN2-ADA snapshot or Generator");
    }
    if (!(generator instanceof PersistentModule g) || !g.className().equals("Generator")) {
      throw new ModelFormatException(source + ": the generator is " + GeneratorKwargs.describe(generator)
          + ", not a persistent StyleGAN2-ADA Generator");
    }
    return new Found(format, g);
  }

  /** A Generator's configuration: its constructor arguments, and the layers' own clamp in StyleGAN3-repo files. */
  static GeneratorConfig configOf(PersistentModule generator) throws ModelFormatException {
    GeneratorConfig config =
        GeneratorKwargs.parse(generator.state().get("_init_args"), generator.state().get("_init_kwargs"));
    return StyleGan3RepoGenerators.withLayerClamp(generator, config);
  }

  /**
   * A module's parameters and buffers by {@code state_dict} name, checked to form a tree and to hold together no more
   * elements than {@code maxElements} (the file's size).
   */
  static Map<String, TensorRef> tensorRefs(PersistentModule module, long maxElements) throws ModelFormatException {
    return new TensorWalk(maxElements).collect(module);
  }

  static Object unpickle(byte[] bytes, String source, PickleGlobals globals) throws ModelFormatException {
    return unpickle(bytes, source, globals, null, null);
  }

  /** Unpickles with a persistent-id loader (torch.save archives), or none. */
  static Object unpickle(byte[] bytes, String source, PickleGlobals globals, Function<Object, Object> persistentLoad)
      throws ModelFormatException {
    return unpickle(bytes, source, globals, persistentLoad, null);
  }

  /**
   * Unpickles a whole file; where {@code bytesOffsets} is given, records there the file offset of every
   * {@code bytes} object's payload.
   */
  static Object unpickle(
      byte[] bytes,
      String source,
      PickleGlobals globals,
      Function<Object, Object> persistentLoad,
      Map<byte[], Integer> bytesOffsets)
      throws ModelFormatException {
    if (bytes.length >= 2 && bytes[0] == 'P' && bytes[1] == 'K') {
      throw new ModelFormatException(source + " is a zip archive (a torch.save file?), not an NVIDIA pickle");
    }
    if (bytes.length < 2 || (bytes[0] & 0xff) != PROTO || bytes[1] < 2 || bytes[1] > 5) {
      throw new ModelFormatException(source + " is not a pickle of protocol 2 to 5");
    }
    return SafeUnpickler.loadOne(new ByteArrayInputStream(bytes), bytes.length, globals, persistentLoad, source,
        bytesOffsets);
  }

  /**
   * Walks {@code _modules} depth-first, naming parameters and buffers as PyTorch's {@code state_dict} does. The memo
   * lets a hostile file make a module contain itself, share one child many times over (2^n paths through n modules)
   * or point many tensors at one storage; so modules must form a tree of bounded depth, and the tensors together may
   * hold no more elements than the file has bytes.
   */
  private static final class TensorWalk {
    private static final int MAX_DEPTH = 32;
    private final Map<String, TensorRef> out = new LinkedHashMap<>();
    private final Set<PersistentModule> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long maxElements;
    private long elements;

    TensorWalk(long maxElements) {
      this.maxElements = maxElements;
    }

    Map<String, TensorRef> collect(PersistentModule generator) throws ModelFormatException {
      seen.add(generator);
      visit(generator, "", 0);
      return out;
    }

    private void visit(PersistentModule module, String prefix, int depth) throws ModelFormatException {
      for (String slot : new String[] {"_parameters", "_buffers"}) {
        for (Map.Entry<?, ?> e : mapAt(module, slot).entrySet()) {
          String name = prefix + e.getKey();
          if (e.getValue() instanceof TensorRef ref) {
            // Budgeted before allocating: a stride-0 view of one element can claim billions.
            elements += ref.elementCount(name);
            if (elements > maxElements) {
              throw new ModelFormatException("tensors up to " + name + " hold " + elements
                  + " elements, more than the file's " + maxElements + " bytes can store: they overlap in storage");
            }
            out.put(name, ref);
          } else if (e.getValue() != null) {
            throw new ModelFormatException(name + " is " + GeneratorKwargs.describe(e.getValue()) + ", not a tensor");
          }
        }
      }
      for (Map.Entry<?, ?> e : mapAt(module, "_modules").entrySet()) {
        String name = prefix + e.getKey();
        if (e.getValue() instanceof PersistentModule child) {
          if (depth == MAX_DEPTH) {
            throw new ModelFormatException("module " + name + " is nested more than " + MAX_DEPTH + " modules deep");
          }
          if (!seen.add(child)) {
            throw new ModelFormatException("module " + name + " is " + child + " again: modules must form a tree");
          }
          visit(child, name + ".", depth + 1);
        } else if (e.getValue() != null) {
          throw new ModelFormatException("module " + name + " is " + GeneratorKwargs.describe(e.getValue())
              + ", not a persistent StyleGAN2-ADA module");
        }
      }
    }
  }

  private static Map<?, ?> mapAt(PersistentModule module, String slot) throws ModelFormatException {
    Object value = module.state().get(slot);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map) || value instanceof InertObject) {
      throw new ModelFormatException(module.className() + "." + slot + " is " + GeneratorKwargs.describe(value));
    }
    return map;
  }

  private static String describeSynthesis(PersistentModule generator) {
    try {
      if (mapAt(generator, "_modules").get("synthesis") instanceof PersistentModule synthesis) {
        Set<?> layers = mapAt(synthesis, "_modules").keySet();
        if (layers.stream().noneMatch(k -> String.valueOf(k).matches("b\\d+"))) {
          return " (its synthesis network has layers " + layers + ": not StyleGAN2-ADA; StyleGAN3 is not supported)";
        }
      }
    } catch (ModelFormatException e) {
      // The caller reports the first problem; this is only a hint.
    }
    return "";
  }
}
