package dev.finetoon.resource;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.regex.Pattern;

/**
 * One published network of a {@link ModelCatalogue}: the name users type ({@code --network ffhq}), the file and URL it
 * is cached from, its approximate size for messages, what kind of network it is (checked by reading the download),
 * the resolution a generator must have, and a note on its licence.
 *
 * <pre>{@code
 * CatalogueEntry mine = CatalogueEntry.generator("mine", new CachedResource("mine.pkl",
 *     URI.create("https://example.org/mine.pkl"), 100_000_000, "my generator"), 120_000_000, 256, "CC BY 4.0");
 * }</pre>
 *
 * @param approxBytes the size announced to users before downloading; the server's Content-Length is what is checked
 * @param resolution the image resolution a generator must read as; 0 for a feature network
 */
public record CatalogueEntry(
    String name, CachedResource resource, long approxBytes, Kind kind, int resolution, String licence) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** What a download must read as before it enters the cache. */
  public enum Kind {
    /** A StyleGAN2 generator finetoon reads ({@link dev.finetoon.io.ModelFiles#read}). */
    GENERATOR,
    /** A TorchScript archive, such as NVIDIA's LPIPS {@code vgg16.pt}. */
    TORCHSCRIPT
  }

  public CatalogueEntry {
    checkArgument(NAME.matcher(checkNotNull(name, "name")).matches(), "not a catalogue name: \"%s\"", name);
    checkNotNull(resource, "resource");
    checkArgument(approxBytes > 0, "approxBytes must be positive, got %s", approxBytes);
    checkNotNull(kind, "kind");
    checkArgument(kind == Kind.GENERATOR ? resolution >= 4 : resolution == 0,
        "a %s has resolution %s", kind, resolution);
    checkNotNull(licence, "licence");
  }

  /** A generator entry that must read as an {@code resolution}² model. */
  public static CatalogueEntry generator(
      String name, CachedResource resource, long approxBytes, int resolution, String licence) {
    return new CatalogueEntry(name, resource, approxBytes, Kind.GENERATOR, resolution, licence);
  }

  /** A TorchScript entry. */
  public static CatalogueEntry torchScript(String name, CachedResource resource, long approxBytes, String licence) {
    return new CatalogueEntry(name, resource, approxBytes, Kind.TORCHSCRIPT, 0, licence);
  }

  /** What it is, from its resource's description. */
  public String description() {
    return resource.description();
  }
}
