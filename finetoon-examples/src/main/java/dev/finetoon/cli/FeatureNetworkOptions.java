package dev.finetoon.cli;

import dev.finetoon.resource.CachedResource;
import dev.finetoon.resource.ResourceResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
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

  /** The feature network's file, downloading it into {@code resolver}'s cache first where it is not there. */
  Path resolve(ResourceResolver resolver) throws IOException {
    if (source != null && source.file != null) {
      return source.file;
    }
    return source != null ? resolver.fetch(source.url) : resolver.resolve(CachedResource.LPIPS_VGG16);
  }
}
