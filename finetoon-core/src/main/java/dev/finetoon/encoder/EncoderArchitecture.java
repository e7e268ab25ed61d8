package dev.finetoon.encoder;

import dev.finetoon.ModelFormatException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The encoder classes of pSp ({@code eladrich/pixel2style2pixel}) and e4e ({@code omertov/encoder4editing}), by the
 * name their checkpoints' {@code opts["encoder_type"]} give. All three share the IR-SE backbone.
 */
public enum EncoderArchitecture {
  /** pSp's {@code GradualStyleEncoder}: one style block per W+ row on the feature pyramid (c3, p2, p1). */
  GRADUAL_STYLE("GradualStyleEncoder"),
  /** e4e's {@code Encoder4Editing}: the first style block's code, plus one delta per further row. */
  ENCODER4EDITING("Encoder4Editing"),
  /** pSp's {@code BackboneEncoderUsingLastLayerIntoW} ({@code learn_in_w}): one W for every row. */
  LAST_LAYER_INTO_W("BackboneEncoderUsingLastLayerIntoW");

  private final String upstreamName;

  EncoderArchitecture(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  /** The class name upstream, as in {@code opts["encoder_type"]}. */
  public String upstreamName() {
    return upstreamName;
  }

  /** Whether the encoder makes one W (broadcast over the decoder's rows) rather than W+. */
  public boolean learnsInW() {
    return this == LAST_LAYER_INTO_W;
  }

  /** The architecture of an {@code encoder_type}; throws naming the supported ones otherwise. */
  public static EncoderArchitecture of(String encoderType) throws ModelFormatException {
    for (EncoderArchitecture a : values()) {
      if (a.upstreamName.equals(encoderType)) {
        return a;
      }
    }
    throw new ModelFormatException("unsupported encoder_type '" + encoderType + "'; finetoon reads "
        + Arrays.stream(values()).map(EncoderArchitecture::upstreamName).collect(Collectors.joining(", ")));
  }
}
