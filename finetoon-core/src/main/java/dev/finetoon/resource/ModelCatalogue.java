package dev.finetoon.resource;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.hash.Hashing;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.TorchScriptArchive;
import dev.finetoon.model.GeneratorConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Published networks by name, in the spirit of DJL's model zoo: {@link #pull} downloads one into the {@link
 * ResourceResolver}'s cache folder, the same one {@code vgg16.pt} lives in. A download goes to {@code .NAME.part}
 * beside its final place, is resumed there with an HTTP {@code Range} request after a broken connection, is checked
 * against the size the server announces and the entry's least size, and is read (a generator of the entry's
 * resolution, or a TorchScript archive) before it is moved into place in one step: the cache never holds a partial
 * or unreadable file. NVIDIA publishes no checksums and the exact byte sizes could not be confirmed here, so the
 * catalogue checks sizes against the server, not against a number of its own.
 *
 * <p>Immutable and thread-safe; two pulls of one entry at once fail the second at once.
 *
 * <pre>{@code
 * Path ffhq = ModelCatalogue.nvidia().pull("ffhq", ResourceResolver.defaults(), DownloadProgress.NONE);
 * StyleGanModel model = ModelFiles.read(ffhq);
 * }</pre>
 */
public final class ModelCatalogue {
  private static final String NVIDIA = "https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/";
  private static final String NVIDIA_LICENCE =
      "NVIDIA Source Code License-NC (stylegan2-ada-pytorch): non-commercial research and evaluation only";
  private static final long MB = 1_000_000;
  /** Well under every NVIDIA file here; the server's Content-Length is the exact check. */
  private static final long LEAST_NVIDIA_BYTES = 100 * MB;

  private static final ModelCatalogue NVIDIA_CATALOGUE =
      new ModelCatalogue(
          List.of(
              CatalogueEntry.generator("ffhq-res256", nvidia("ffhq-res256.pkl",
                      "transfer-learning-source-nets/ffhq-res256-mirror-paper256-noaug.pkl",
                      "NVIDIA's FFHQ 256² transfer-learning source (the Fine-Tooning notebooks' base)"),
                  290 * MB, 256, NVIDIA_LICENCE + "; trained on FFHQ (CC BY-NC-SA 4.0)"),
              CatalogueEntry.generator("ffhq", nvidia("ffhq.pkl", "ffhq.pkl", "NVIDIA's FFHQ 1024² generator"),
                  364 * MB, 1024, NVIDIA_LICENCE + "; trained on FFHQ (CC BY-NC-SA 4.0)"),
              CatalogueEntry.generator("metfaces", nvidia("metfaces.pkl", "metfaces.pkl",
                      "NVIDIA's MetFaces 1024² generator, fine-tuned from FFHQ (a painting-domain donor)"),
                  364 * MB, 1024, NVIDIA_LICENCE + "; trained on MetFaces (CC BY-NC 2.0)"),
              CatalogueEntry.torchScript("vgg16", CachedResource.LPIPS_VGG16, 528 * MB,
                  NVIDIA_LICENCE + "; LPIPS weights (BSD 2-Clause) on torchvision's VGG16")));

  private final List<CatalogueEntry> entries;

  private ModelCatalogue(List<CatalogueEntry> entries) {
    this.entries = entries;
  }

  /** NVIDIA's stylegan2-ada-pytorch networks: {@code ffhq-res256}, {@code ffhq}, {@code metfaces}, {@code vgg16}. */
  public static ModelCatalogue nvidia() {
    return NVIDIA_CATALOGUE;
  }

  /** A catalogue of one's own entries; names must be distinct. */
  public static ModelCatalogue of(List<CatalogueEntry> entries) {
    List<CatalogueEntry> copy = List.copyOf(entries);
    checkArgument(copy.stream().map(CatalogueEntry::name).distinct().count() == copy.size(),
        "catalogue names must be distinct: %s", copy.stream().map(CatalogueEntry::name).toList());
    return new ModelCatalogue(copy);
  }

  /** The entries, in listing order. */
  public List<CatalogueEntry> entries() {
    return entries;
  }

  /** The entry called {@code name}, if there is one. */
  public Optional<CatalogueEntry> find(String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * The cached file of the entry called {@code name}, downloaded, checked and moved into the cache first if it is not
   * there.
   *
   * @throws IllegalArgumentException if no entry has that name
   * @throws java.nio.file.NoSuchFileException if it is not cached and {@code resolver} is offline
   * @throws DownloadException if the download fails (a broken connection keeps the partial file for the next pull),
   *     is smaller than a complete file, or does not read as the entry's kind of network (then nothing is kept)
   */
  public Path pull(String name, ResourceResolver resolver, DownloadProgress progress) throws IOException {
    CatalogueEntry entry = find(name).orElseThrow(() -> new IllegalArgumentException(
        "no network \"" + name + "\" in the catalogue; it has " + entries.stream().map(CatalogueEntry::name).toList()));
    return pull(entry, resolver, progress);
  }

  /** {@link #pull(String, ResourceResolver, DownloadProgress)} of an entry. */
  public Path pull(CatalogueEntry entry, ResourceResolver resolver, DownloadProgress progress) throws IOException {
    checkNotNull(progress, "progress");
    CachedResource resource = entry.resource();
    Path target = resolver.locate(resource);
    if (Files.isRegularFile(target)) {
      resolver.log("using cached " + target + " (" + resource.url() + ")");
      return target;
    }
    if (resolver.offline()) {
      throw ResourceResolver.offlineMiss(target, resource.url(), resource.description());
    }
    Files.createDirectories(target.getParent());
    Path part = target.resolveSibling("." + resource.fileName() + ".part");
    resolver.log((Files.exists(part) ? "resuming " : "downloading ") + resource.url() + " (about "
        + entry.approxBytes() / MB + " MB)");
    long bytes = new ResumableDownload(resource.url(), part, resolver.maxBytes()).complete(progress);
    try {
      if (bytes < resource.minBytes()) {
        throw new DownloadException(resource.url(), "got " + bytes + " bytes, a complete file has at least "
            + resource.minBytes());
      }
      check(entry, part);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    String sha = com.google.common.io.Files.asByteSource(part.toFile()).hash(Hashing.sha256()).toString();
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    }
    resolver.log("saved " + target + ": " + bytes + " bytes, sha256 " + sha);
    return target;
  }

  /** Reads the download as the entry's kind of network; a file that does not read is a failed download. */
  private static void check(CatalogueEntry entry, Path part) throws DownloadException {
    URI url = entry.resource().url();
    try {
      switch (entry.kind()) {
        case GENERATOR -> {
          GeneratorConfig config = ModelFiles.read(part).config();
          if (config.imgResolution() != entry.resolution()) {
            throw new DownloadException(url, "it is a " + config.imgResolution() + "² generator, \"" + entry.name()
                + "\" is " + entry.resolution() + "²");
          }
        }
        case TORCHSCRIPT -> TorchScriptArchive.read(part);
      }
    } catch (DownloadException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DownloadException(url, "it does not read as a " + (entry.kind() == CatalogueEntry.Kind.GENERATOR
          ? "generator" : "TorchScript archive") + ": " + e.getMessage(), e);
    }
  }

  private static CachedResource nvidia(String fileName, String path, String description) {
    return new CachedResource(fileName, URI.create(NVIDIA + path), LEAST_NVIDIA_BYTES, description);
  }
}
