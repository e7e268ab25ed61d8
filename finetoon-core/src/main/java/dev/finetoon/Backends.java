package dev.finetoon;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds backends with one rule for every service: the one named, where a name is given, else the highest
 * {@link Backend#priority()} (ties go to the first name in alphabetical order, so the choice never depends on the class
 * path's order).
 *
 * <pre>{@code
 * ProjectorBackend djl = Backends.find(ProjectorBackend.class, Optional.of("djl"), "dev.finetoon:finetoon-train");
 * }</pre>
 */
public final class Backends {
  private Backends() {}

  /**
   * The backend of {@code service} chosen by the rule above.
   *
   * @param artifact the Maven artifact that provides one, for the message when none is found
   * @throws FinetoonException where none (or none of that name) is on the class path; the message lists what is
   */
  public static <T extends Backend> T find(Class<T> service, Optional<String> name, String artifact) {
    List<T> all = ServiceLoader.load(service).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(Comparator.comparingInt((T b) -> -b.priority()).thenComparing(Backend::name))
        .collect(Collectors.toList());
    if (all.isEmpty()) {
      throw new FinetoonException("no " + service.getSimpleName() + " on the class path: add " + artifact);
    }
    if (name.isEmpty()) {
      return all.get(0);
    }
    return all.stream().filter(b -> b.name().equals(name.get())).findFirst().orElseThrow(
        () -> new FinetoonException("no " + service.getSimpleName() + " named '" + name.get() + "' on the class path;"
            + " found " + all.stream().map(Backend::name).collect(Collectors.joining(", "))));
  }
}
