package dev.finetoon.encoder;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.io.pickle.RosinalityReader;
import dev.finetoon.io.pickle.StoredTensor;
import dev.finetoon.io.pickle.TorchSaveFile;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the public pSp / e4e checkpoints ({@code e4e_ffhq_encode.pt}, {@code psp_ffhq_encode.pt}, {@code
 * psp_ffhq_toonify.pt}, …): {@code torch.save} files (zip or legacy) of {@code {"state_dict": {encoder.*, decoder.*},
 * "opts": {...}, "latent_avg"}}, as both repositories' coaches write them. The encoder class comes from {@code
 * opts["encoder_type"]}, every width from the tensors' shapes, the decoder (a rosinality generator) from {@code
 * decoder.*}. Training state (optimiser, discriminator) is ignored.
 *
 * <pre>{@code
 * EncoderModel e4e = EncoderFiles.read(Path.of("e4e_ffhq_encode.pt"));
 * }</pre>
 *
 * <p>Thread-safe: every call works on its own state.
 */
public final class EncoderFiles {
  private static final String ENCODER = "encoder.";
  private static final String DECODER = "decoder.";

  private EncoderFiles() {}

  /**
   * Whether {@code file} is a {@code torch.save} file holding an encoder checkpoint (a {@code state_dict} with {@code
   * encoder.*} keys and {@code opts}); false for a missing file. Reads the file's pickle, not its tensors.
   */
  public static boolean isEncoderCheckpoint(Path file) throws IOException {
    if (!Files.isRegularFile(file) || !TorchSaveFile.isTorchSave(file)) {
      return false;
    }
    Object top = TorchSaveFile.load(file);
    return top instanceof Map<?, ?> checkpoint && checkpoint.get("state_dict") instanceof Map<?, ?> sd
        && sd.containsKey(ENCODER + EncoderNet.INPUT_CONV) && checkpoint.get("opts") instanceof Map<?, ?>;
  }

  /**
   * The checkpoint's encoder and decoder.
   *
   * @throws ModelFormatException where the file is no encoder checkpoint, or its tensors do not fit its encoder class;
   *     the message names the problem
   */
  public static EncoderModel read(Path file) throws IOException {
    Object top = TorchSaveFile.load(file);
    if (!(top instanceof Map<?, ?> checkpoint) || !(checkpoint.get("state_dict") instanceof Map<?, ?> stateDict)) {
      throw new ModelFormatException(file + " is no pSp / e4e checkpoint: it has no state_dict");
    }
    if (!(checkpoint.get("opts") instanceof Map<?, ?> opts)) {
      throw new ModelFormatException(file + " is no pSp / e4e checkpoint: it has no opts");
    }
    try {
      return read(file, checkpoint, stateDict, opts);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(file + ": " + e.getMessage(), e);
    }
  }

  private static EncoderModel read(Path file, Map<?, ?> checkpoint, Map<?, ?> stateDict, Map<?, ?> opts)
      throws ModelFormatException {
    if (!(opts.get("encoder_type") instanceof String type)) {
      throw new ModelFormatException("opts has no encoder_type");
    }
    EncoderArchitecture architecture = EncoderArchitecture.of(type);
    if (Boolean.TRUE.equals(opts.get("learn_in_w")) != architecture.learnsInW()) {
      throw new ModelFormatException("opts learn_in_w = " + opts.get("learn_in_w") + " does not fit encoder_type "
          + type);
    }
    Map<String, Tensor> weights = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : stateDict.entrySet()) {
      if (e.getKey() instanceof String name && name.startsWith(ENCODER) && !name.endsWith(".num_batches_tracked")) {
        if (!(e.getValue() instanceof StoredTensor t)) {
          throw new ModelFormatException(name + " is not a tensor");
        }
        weights.put(name.substring(ENCODER.length()), t.read(name));
      }
    }
    boolean startFromLatentAvg = Boolean.TRUE.equals(opts.get("start_from_latent_avg"));
    Tensor latentAvg;
    if (checkpoint.get("latent_avg") instanceof StoredTensor stored) {
      latentAvg = stored.read("latent_avg");
    } else if (startFromLatentAvg) {
      throw new ModelFormatException("opts start_from_latent_avg is set but the checkpoint has no latent_avg");
    } else {
      latentAvg = null;
    }
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("source", file.toString());
    provenance.put("format", architecture == EncoderArchitecture.ENCODER4EDITING ? "e4e" : "pSp");
    provenance.put("encoder_type", type);
    provenance.put("start_from_latent_avg", Boolean.toString(startFromLatentAvg));
    Tensor firstRow = latentAvg == null ? null : latentAvg.reshape(latentAvg.size()).slice(0, latentAvg.dim(
        latentAvg.rank() - 1));
    StyleGanModel decoder = RosinalityReader.fromStateDict(stateDict, DECODER, firstRow,
        Map.of("source", file + " (decoder.*)", "format", "rosinality"));
    int c = decoder.config().wDim();
    int rows = architecture.learnsInW() ? 1 : decoder.config().numWs();
    Tensor avg = latentAvg != null ? latentAvg : Tensor.zeros(rows, c);
    return EncoderModel.of(architecture, weights, avg, startFromLatentAvg, decoder, provenance);
  }
}
