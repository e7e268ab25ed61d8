package dev.finetoon.cli;

import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.pickle.NvidiaPickleWriter;
import dev.finetoon.io.pickle.RosinalityWriter;
import dev.finetoon.model.StyleGanModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code finetoon convert}: a generator in another format. {@code safetensors} is finetoon's own file,
 * {@code rosinality} a {@code torch.save} checkpoint for rosinality/stylegan2-pytorch, {@code nvidia} an ADA pickle
 * with a template's structure and module source. The output path is checked before the model is read; the file is
 * written atomically.
 */
@Command(
    name = "convert",
    description = "Write a generator as finetoon safetensors, a rosinality .pt or an NVIDIA .pkl (from a template).")
final class ConvertCommand extends CliCommand {
  /** The formats finetoon writes. */
  enum Target { SAFETENSORS, ROSINALITY, NVIDIA }

  @Option(
      names = "--network",
      required = true,
      paramLabel = "FILE",
      description = "Generator in any format finetoon reads.")
  private Path network;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "FORMAT",
      converter = TargetConverter.class,
      description = "safetensors, rosinality or nvidia.")
  private Target target;

  @Option(
      names = "--template",
      paramLabel = "PKL",
      description = "For --to nvidia: an NVIDIA pickle of the same architecture whose structure is reused.")
  private Path template;

  @Parameters(index = "0", paramLabel = "OUT", description = "The file to write.")
  private Path out;

  @Override
  void run() throws IOException {
    checkArguments();
    StyleGanModel model = ModelFiles.read(network);
    switch (target) {
      case SAFETENSORS -> {
        ModelFiles.write(model, out);
        out().printf("wrote %s (finetoon safetensors)%n", out);
      }
      case ROSINALITY -> {
        model.config().synthesis().convClamp().ifPresent(clamp -> warn("rosinality's generator has no conv_clamp: "
            + "the model's " + clamp + " is dropped (outputs change only where an activation reaches it)"));
        RosinalityWriter.write(model, out);
        out().printf("wrote %s (rosinality checkpoint {g_ema, latent_avg}; load into %s)%n", out,
            RosinalityWriter.generatorCall(model.config()));
      }
      case NVIDIA -> {
        NvidiaPickleWriter.write(model, template, out);
        out().printf("wrote %s (NVIDIA pickle in the structure of %s)%n", out, template);
      }
    }
    out().flush();
  }

  private void checkArguments() throws IOException {
    if ((target == Target.NVIDIA) != (template != null)) {
      throw new ParameterException(spec.commandLine(), target == Target.NVIDIA
          ? "--to nvidia needs --template: an NVIDIA pickle of the same architecture"
          : "--template is only used with --to nvidia");
    }
    if (Files.isDirectory(out)) {
      throw new ParameterException(spec.commandLine(), "OUT " + out + " is a directory");
    }
    Path parent = out.toAbsolutePath().getParent();
    if (Files.exists(parent) && !Files.isWritable(parent)) {
      throw new IOException("cannot write into " + parent);
    }
    boolean overwritesInput = Files.exists(out)
        && (Files.isSameFile(out, network) || (template != null && Files.isSameFile(out, template)));
    if (overwritesInput) {
      throw new ParameterException(spec.commandLine(), "OUT " + out + " is an input file");
    }
  }

  /** Accepts the format names in any case. */
  static final class TargetConverter implements picocli.CommandLine.ITypeConverter<Target> {
    @Override
    public Target convert(String value) {
      try {
        return Target.valueOf(value.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not a format finetoon writes: safetensors, rosinality or nvidia");
      }
    }
  }
}
