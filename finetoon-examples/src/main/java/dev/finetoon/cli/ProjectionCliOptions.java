package dev.finetoon.cli;

import dev.finetoon.project.ProjectionOptions;
import dev.finetoon.resource.ResourceResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The projection options {@code project} and {@code toonify} share: steps, seed, landmarks, feature network. */
final class ProjectionCliOptions {
  @Mixin private FeatureNetworkOptions featureNetwork;

  @Option(
      names = "--num-steps",
      defaultValue = "1000",
      paramLabel = "N",
      description = "Optimisation steps (default: ${DEFAULT-VALUE}).")
  private int steps;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "N",
      description = "Seed of the projection's random start (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--landmarks",
      paramLabel = "FILE.json",
      description = "Face landmarks of the photo (68 iBUG points or eyes and mouth corners) for FFHQ alignment."
          + " project: instead of a centre crop; toonify: instead of the built-in face detector.")
  private Path landmarks;

  /** NVIDIA's projection settings with these steps and seed. */
  ProjectionOptions options() {
    return ProjectionOptions.defaults().withSteps(steps).withSeed(seed);
  }

  /** The feature network's file, downloading it into {@code resolver}'s cache first if need be. */
  Path featureNetwork(ResourceResolver resolver) throws IOException {
    return featureNetwork.resolve(resolver);
  }

  Optional<Path> landmarks() {
    return Optional.ofNullable(landmarks);
  }
}
