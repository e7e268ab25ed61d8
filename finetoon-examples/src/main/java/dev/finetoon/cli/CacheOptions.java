package dev.finetoon.cli;

import dev.finetoon.resource.ResourceResolver;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** {@code --cache-dir}: where downloads (feature networks, catalogue models) are kept. */
final class CacheOptions {
  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Where downloads are kept (default: $FINETOON_CACHE_DIR or ~/.cache/finetoon).")
  private Path cacheDir;

  /** The library's resolver on this folder, or on its default one; offline as the defaults say. */
  ResourceResolver resolver(Consumer<String> log) {
    ResourceResolver.Builder resolver = ResourceResolver.builder().log(log);
    if (cacheDir != null) {
      resolver.folder(cacheDir);
    }
    return resolver.build();
  }
}
