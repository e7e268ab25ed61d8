package dev.finetoon.cli;

import dev.finetoon.FinetoonException;
import dev.finetoon.ModelFormatException;
import dev.finetoon.resource.DownloadException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A subcommand: runs {@link #run()} and turns what it throws into one line on stderr ({@code finetoon: error: …}) and
 * exit code 1, with the stack trace only under {@code --verbose}. Usage errors stay picocli's (exit code 2).
 */
abstract class CliCommand implements Callable<Integer> {
  private static final int FAILED = 1;

  @Spec CommandSpec spec;

  /** The command's work; returning normally exits with {@link #exitCode()}. */
  abstract void run() throws Exception;

  /** The exit code after {@link #run()} returned normally: 0 unless a command's outcome says otherwise. */
  int exitCode() {
    return 0;
  }

  @Override
  public final Integer call() {
    FinetoonCli.configureLogging(verbose());
    try {
      run();
      return exitCode();
    } catch (ParameterException e) {
      throw e;
    } catch (Exception e) {
      err().println("finetoon: error: " + TerminalText.safe(message(e)));
      if (verbose()) {
        e.printStackTrace(err());
      }
      err().flush();
      return FAILED;
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints a line on stdout at once, for progress. */
  void progress(String line) {
    out().println(line);
    out().flush();
  }

  /** Prints {@code finetoon: warning: message} on stderr. */
  void warn(String message) {
    err().println("finetoon: warning: " + message);
    err().flush();
  }

  boolean verbose() {
    return spec.root().userObject() instanceof FinetoonCli cli && cli.verbose();
  }

  /** finetoon's own exceptions speak for themselves; others are named, so that the line still says what failed. */
  private static String message(Exception e) {
    if (e instanceof NoSuchFileException missing) {
      // A reason that only restates "no such … file" adds nothing; one that says where to get the file does.
      String reason = missing.getReason();
      boolean helps = reason != null && !reason.startsWith("no such");
      return "no such file: " + missing.getFile() + (helps ? " (" + reason + ")" : "");
    }
    String message = e.getMessage();
    if (message == null) {
      return e.toString();
    }
    if (e instanceof FinetoonException && e.getCause() != null && e.getCause().getMessage() != null) {
      return message + ": " + e.getCause().getMessage();
    }
    boolean explained =
        e instanceof ModelFormatException || e instanceof DownloadException || e instanceof IllegalArgumentException
            || e instanceof FinetoonException;
    return explained ? message : e.getClass().getSimpleName() + ": " + message;
  }
}
