package dev.finetoon.cli;

import dev.finetoon.FinetoonException;
import dev.finetoon.ModelFormatException;
import dev.finetoon.image.ImageFormatException;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.resource.DownloadException;
import dev.finetoon.resource.ModelCatalogue;
import dev.finetoon.resource.ResourceResolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
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

  @Mixin CacheOptions cache;

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

  /** The resource resolver on {@code --cache-dir}, logging to stdout. */
  ResourceResolver resolver() {
    return cache.resolver(this::progress);
  }

  /** A generator from {@code file}, or from the catalogue where no such file exists and it names an entry. */
  StyleGanModel readModel(Path file) throws IOException {
    return ModelFiles.read(modelFile(file));
  }

  /** {@code given} itself, or where there is no such file and it is a catalogue name, the entry's cached file. */
  Path modelFile(Path given) throws IOException {
    if (Files.exists(given) || ModelCatalogue.nvidia().find(given.toString()).isEmpty()) {
      return given;
    }
    return pull(given.toString());
  }

  /** The catalogue entry's file, downloaded with a progress bar on stderr where it is not cached. */
  Path pull(String name) throws IOException {
    try (DownloadBar bar = new DownloadBar(err(), name)) {
      return ModelCatalogue.nvidia().pull(name, resolver(), bar);
    }
  }

  boolean verbose() {
    return spec.root().userObject() instanceof FinetoonCli cli && cli.verbose();
  }

  /** finetoon's own exceptions speak for themselves; others are named, so that the line still says what failed. */
  private static String message(Exception e) {
    if (e instanceof NoSuchFileException missing && missing.getFile() != null
        && Files.isDirectory(Path.of(missing.getFile()))) {
      return missing.getFile() + " is a folder; give a file";
    }
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
            || e instanceof FinetoonException || e instanceof ImageFormatException;
    return explained ? message : e.getClass().getSimpleName() + ": " + message;
  }
}
