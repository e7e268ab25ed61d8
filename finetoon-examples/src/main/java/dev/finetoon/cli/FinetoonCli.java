package dev.finetoon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code finetoon} command line: generate images from StyleGAN2-ADA generators, blend them block by block, compare
 * the blends, and fine-tune them. Each subcommand is its own class; this one holds the options they all share.
 *
 * <pre>{@code
 * finetoon generate --network ffhq.pkl --seeds 0-7 --trunc 0.7 --outdir out
 * finetoon blend --base ffhq.pkl --donor toon.pkl --blocks 64,128,256 --out blend.safetensors
 * finetoon fine-tune --base ffhq.pkl --donor toon.pkl --blocks 64,128,256 --encoder facenet.pt --out tuned.safetensors
 * finetoon evaluate --base ffhq.pkl --network tuned.safetensors --seeds 0-15 --out identity.png
 * }</pre>
 */
@Command(
    name = "finetoon",
    scope = ScopeType.INHERIT, // --help, --version and the version reach every subcommand
    mixinStandardHelpOptions = true,
    versionProvider = FinetoonCli.Version.class,
    description = {
      "Fine-Tooning: generate, blend, compare, fine-tune and toonify with StyleGAN2-ADA",
      "generators: NVIDIA .pkl, finetoon safetensors or a catalogue name (finetoon",
      "models list)."
    },
    subcommands = {
      GenerateCommand.class,
      BlendCommand.class,
      CompareCommand.class,
      EvaluateCommand.class,
      InfoCommand.class,
      ExportOnnxCommand.class,
      ConvertCommand.class,
      FineTuneCommand.class,
      DemoCommand.class,
      ProjectCommand.class,
      ToonifyCommand.class,
      ScanCommand.class,
      ModelsCommand.class
    })
public final class FinetoonCli {
  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final String DJL_CUDA_LOG_LEVEL = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
  private boolean verbose;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with finetoon's one-line usage errors. */
  static CommandLine commandLine() {
    return new CommandLine(new FinetoonCli()).setParameterExceptionHandler(FinetoonCli::usageError);
  }

  /**
   * A usage error as one line, {@code finetoon: error: …}, naming the help to read, and picocli's exit code 2; the
   * usage page is one {@code --help} away.
   */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String suggestions = e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()
        ? "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?" : "";
    String message = e.getMessage().startsWith("Error: ") ? e.getMessage().substring(7) : e.getMessage();
    command.getErr().println("finetoon: error: " + message + suggestions + " (see '"
        + command.getCommandSpec().qualifiedName(" ") + " --help')");
    command.getErr().flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * Quiets the libraries' informational log lines (e.g. which execution provider ONNX Runtime uses) and DJL's warning
   * that a CPU machine has no CUDA driver, unless {@code --verbose} is given or the level was set with {@code
   * -Dorg.slf4j.simpleLogger.defaultLogLevel}. Takes effect only before the first logger is created.
   */
  static void configureLogging(boolean verbose) {
    if (System.getProperty(LOG_LEVEL) == null) {
      System.setProperty(LOG_LEVEL, verbose ? "info" : "warn");
    }
    // On a machine without a GPU, DJL warns twice that it found no CUDA driver: that is what the CPU build expects.
    if (!verbose && System.getProperty(DJL_CUDA_LOG_LEVEL) == null) {
      System.setProperty(DJL_CUDA_LOG_LEVEL, "error");
    }
  }

  /** Whether {@code --verbose} was given, before or after the subcommand. */
  boolean verbose() {
    return verbose;
  }

  /** The version from the jar manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = FinetoonCli.class.getPackage().getImplementationVersion();
      return new String[] {"finetoon " + (version != null ? version : "(development build)")};
    }
  }
}
