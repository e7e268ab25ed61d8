package dev.finetoon.cli;

import dev.finetoon.resource.CachedResource;
import dev.finetoon.resource.ResourceResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The LPIPS feature network of {@code project} and {@code toonify}: a TorchScript file with the call convention of
 * NVIDIA's {@code vgg16.pt}, given as a path, as a URL downloaded once into the cache, or by default NVIDIA's own from
 * the library's {@link ResourceResolver} (downloaded on first use unless offline).
 */
final class FeatureNetworkOptions {
  @ArgGroup(exclusive = true)
  private Source source;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Where downloads are kept (default: $FINETOON_CACHE_DIR or ~/.cache/finetoon).")
  private Path cacheDir;

  /** A file or a URL, never both. */
  static final class Source {
    @Option(
        names = "--vgg",
        paramLabel = "FILE.pt",
        description = "LPIPS feature network (TorchScript, the convention of NVIDIA's metrics/vgg16.pt; default:"
            + " vgg16.pt from the cache, downloaded from NVIDIA on first use).")
    private Path file;

    @Option(
        names = "--vgg-url",
        paramLabel = "URL",
        description = "Download the feature network from URL once into the cache.")
    private URI url;
  }

  /** The feature network's file, downloading it first where it is not cached. */
  Path resolve(Consumer<String> log) throws IOException {
    if (source != null && source.file != null) {
      return source.file;
    }
    ResourceResolver.Builder resolver = ResourceResolver.builder().log(log); // folder and offline: the defaults'
    if (cacheDir != null) {
      resolver.folder(cacheDir);
    }
    return source != null ? resolver.build().fetch(source.url) : resolver.build().resolve(CachedResource.LPIPS_VGG16);
  }
}
