package dev.finetoon.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The LPIPS feature network of {@code project} and {@code toonify}: a TorchScript file with the call convention of
 * NVIDIA's {@code vgg16.pt}, given as a path or as a URL downloaded once into a cache.
 */
final class FeatureNetworkOptions {
  @ArgGroup(exclusive = true, multiplicity = "1")
  private Source source;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Where --vgg-url downloads are kept (default: ~/.cache/finetoon).")
  private Path cacheDir;

  /** A file or a URL, never both. */
  static final class Source {
    @Option(
        names = "--vgg",
        paramLabel = "FILE.pt",
        description = "LPIPS feature network (TorchScript, the convention of NVIDIA's metrics/vgg16.pt).")
    private Path file;

    @Option(
        names = "--vgg-url",
        paramLabel = "URL",
        description = "Download the feature network once into the cache (NVIDIA's vgg16.pt URL: see the user guide).")
    private URI url;
  }

  /** The feature network's file, downloading it first if a URL was given and it is not cached. */
  Path resolve(Consumer<String> log) throws IOException {
    if (source.file != null) {
      return source.file;
    }
    return new CachedDownload(cacheDir != null ? cacheDir : CachedDownload.defaultFolder(), log).fetch(source.url);
  }
}
