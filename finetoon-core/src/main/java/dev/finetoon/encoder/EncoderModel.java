package dev.finetoon.encoder;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.model.StyleGanModel;
import java.util.Arrays;
import java.util.Map;

/**
 * A pSp / e4e checkpoint as data: the encoder's description and weights, the {@code latent_avg} its codes are offsets
 * from, and the decoder (a StyleGAN2 generator) the codes were trained for. Immutable and thread-safe.
 *
 * <pre>{@code
 * EncoderModel e4e = EncoderFiles.read(Path.of("e4e_ffhq_encode.pt"));
 * e4e.decoder().config().numWs(); // 18
 * }</pre>
 */
public final class EncoderModel {
  private final EncoderNet net;
  private final ImmutableMap<String, Tensor> weights;
  private final Tensor latentAvg;
  private final boolean startFromLatentAvg;
  private final StyleGanModel decoder;
  private final ImmutableMap<String, String> provenance;

  private EncoderModel(EncoderNet net, Map<String, Tensor> weights, Tensor latentAvg, boolean startFromLatentAvg,
      StyleGanModel decoder, Map<String, String> provenance) {
    this.net = net;
    this.weights = ImmutableMap.copyOf(weights);
    this.latentAvg = latentAvg;
    this.startFromLatentAvg = startFromLatentAvg;
    this.decoder = decoder;
    this.provenance = ImmutableMap.copyOf(provenance);
  }

  /**
   * A model from its parts.
   *
   * @param weights the encoder's parameters and buffers, names without the {@code encoder.} prefix
   * @param latentAvg {@code [rows, C]} with rows the encoder's W+ rows (or 1), or {@code [C]}: added row by row to the
   *     codes where {@code startFromLatentAvg}
   * @param decoder the generator the codes are for; its w_dim must be C and, for W+ encoders, its num_ws the rows
   * @throws ModelFormatException where the parts do not fit together; the message names the mismatch
   */
  public static EncoderModel of(EncoderArchitecture architecture, Map<String, Tensor> weights, Tensor latentAvg,
      boolean startFromLatentAvg, StyleGanModel decoder, Map<String, String> provenance)
      throws ModelFormatException {
    EncoderNet net = EncoderNet.describe(architecture, weights);
    int c = net.codeWidth();
    Tensor avg = latentAvg.rank() == 1 ? latentAvg.reshape(1, latentAvg.dim(0)) : latentAvg;
    if (avg.rank() != 2 || avg.dim(1) != c || (avg.dim(0) != 1 && avg.dim(0) != net.rows())) {
      throw new ModelFormatException("latent_avg has shape " + Arrays.toString(latentAvg.shape()) + "; the "
          + architecture.upstreamName() + " makes " + net.rows() + " codes of width " + c);
    }
    if (decoder.config().wDim() != c) {
      throw new ModelFormatException("the decoder's w_dim is " + decoder.config().wDim() + " but the encoder's codes"
          + " are " + c + " wide");
    }
    if (!architecture.learnsInW() && decoder.config().numWs() != net.rows()) {
      throw new ModelFormatException("the encoder makes " + net.rows() + " W+ rows but its "
          + decoder.config().imgResolution() + "px decoder takes " + decoder.config().numWs());
    }
    return new EncoderModel(net, weights, avg, startFromLatentAvg, decoder, provenance);
  }

  public EncoderArchitecture architecture() {
    return net.architecture();
  }

  /** The network's structure, read from the weights' shapes. */
  public EncoderNet net() {
    return net;
  }

  /** The encoder's tensors by name (without the {@code encoder.} prefix). */
  public ImmutableMap<String, Tensor> weights() {
    return weights;
  }

  /** A weight by name; {@link EncoderNet#describe} has checked that every name it gives exists. */
  public Tensor weight(String name) {
    Tensor t = weights.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no encoder weight " + name);
    }
    return t;
  }

  /** {@code [rows, C]} (rows 1 or the encoder's rows). */
  public Tensor latentAvg() {
    return latentAvg;
  }

  /** Whether the codes are offsets from {@link #latentAvg()} (true in every public checkpoint). */
  public boolean startFromLatentAvg() {
    return startFromLatentAvg;
  }

  /** The generator the codes are for (the checkpoint's {@code decoder.*}). */
  public StyleGanModel decoder() {
    return decoder;
  }

  /** The W+ rows the decoder takes. */
  public int numWs() {
    return decoder.config().numWs();
  }

  /** Where the model came from (file, format, opts of note). */
  public ImmutableMap<String, String> provenance() {
    return provenance;
  }

  @Override
  public String toString() {
    return architecture().upstreamName() + " (" + net.units().size() + " IR-SE units, " + net.rows() + "×"
        + net.codeWidth() + " codes) for a " + decoder.config().imgResolution() + "px decoder";
  }
}
