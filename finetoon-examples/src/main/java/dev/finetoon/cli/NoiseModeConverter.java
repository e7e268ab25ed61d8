package dev.finetoon.cli;

import dev.finetoon.NoiseMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --noise-mode const|random|none}, as NVIDIA's generate.py spells them. */
final class NoiseModeConverter implements ITypeConverter<NoiseMode> {
  @Override
  public NoiseMode convert(String value) {
    try {
      return NoiseMode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("expected const, random or none, got '" + value + "'");
    }
  }
}
