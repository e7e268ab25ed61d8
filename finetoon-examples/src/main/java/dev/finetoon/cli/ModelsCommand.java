package dev.finetoon.cli;

import dev.finetoon.resource.CatalogueEntry;
import dev.finetoon.resource.ModelCatalogue;
import dev.finetoon.resource.ResourceResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code finetoon models}: NVIDIA's published networks by name ({@link ModelCatalogue#nvidia()}): {@code list} shows
 * them with size, licence and whether they are cached; {@code pull NAME} downloads one into the cache. Any model
 * option takes such a name instead of a file, e.g. {@code --network ffhq}.
 */
@Command(
    name = "models",
    description = "List NVIDIA's published networks, or download one into the cache ('models pull ffhq').",
    subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.PullCommand.class})
final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a subcommand: 'models list' or 'models pull NAME'");
  }

  /** {@code finetoon models list}. */
  @Command(name = "list", description = "The catalogue: name, size, resolution, cached or not, licence.")
  static final class ListCommand extends CliCommand {
    @Override
    void run() {
      ResourceResolver resolver = cache.resolver(line -> {});
      for (CatalogueEntry e : ModelCatalogue.nvidia().entries()) {
        Path file = resolver.locate(e.resource());
        String kind = e.kind() == CatalogueEntry.Kind.GENERATOR ? e.resolution() + "² generator" : "TorchScript";
        out().printf(Locale.ROOT, "%-12s %-16s about %4d MB  %s%n", e.name(), kind, e.approxBytes() / 1_000_000,
            Files.isRegularFile(file) ? "cached: " + file : "not cached");
        out().println("             " + e.description());
        out().println("             " + e.resource().url());
        out().println("             licence: " + e.licence());
      }
      out().println("cache: " + resolver.folder() + (resolver.offline() ? " (offline)" : ""));
      out().flush();
    }
  }

  /** {@code finetoon models pull NAME}. */
  @Command(name = "pull", description = "Download a network of the catalogue into the cache (resumes a broken one).")
  static final class PullCommand extends CliCommand {
    @Parameters(paramLabel = "NAME", description = "A name from 'finetoon models list', e.g. ffhq.")
    private String name;

    @Override
    void run() throws Exception {
      progress(name + ": " + pull(name));
    }
  }
}
