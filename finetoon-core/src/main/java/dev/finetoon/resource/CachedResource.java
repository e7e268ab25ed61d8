package dev.finetoon.resource;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.net.URI;

/**
 * A file that finetoon downloads once and keeps in its cache: the name it is saved under there, where to download it
 * from, the fewest bytes a complete download has (a shorter one is refused as broken) and what it is, for messages.
 *
 * <pre>{@code
 * CachedResource vgg = new CachedResource("my-vgg16.pt", URI.create("https://example.org/vgg16.pt"), 1_000_000,
 *     "my LPIPS feature network");
 * Path file = ResourceResolver.defaults().resolve(vgg);
 * }</pre>
 */
public record CachedResource(String fileName, URI url, long minBytes, String description) {
  /** NVIDIA's LPIPS feature network, from where stylegan2-ada-pytorch's {@code projector.py} downloads it. */
  public static final CachedResource LPIPS_VGG16 =
      new CachedResource(
          "vgg16.pt",
          URI.create("https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metrics/vgg16.pt"),
          1_000_000,
          "NVIDIA's LPIPS feature network (metrics/vgg16.pt, about 528 MB)");

  public CachedResource {
    checkNotNull(fileName, "fileName");
    checkArgument(
        !fileName.isEmpty() && !fileName.equals(".") && !fileName.equals("..") && fileName.indexOf('/') < 0
            && fileName.indexOf('\\') < 0,
        "not a plain file name: \"%s\"",
        fileName);
    checkArgument(ResourceResolver.isHttp(checkNotNull(url, "url")), "not an http(s) URL: %s", url);
    checkArgument(minBytes >= 0, "minBytes must not be negative, got %s", minBytes);
    checkNotNull(description, "description");
  }
}
