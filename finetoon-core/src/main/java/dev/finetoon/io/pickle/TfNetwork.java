package dev.finetoon.io.pickle;

import java.util.Map;
import net.razorvine.pickle.PickleException;

/**
 * A {@code dnnlib.tflib.network.Network} of NVIDIA's TensorFlow pickles, as NVIDIA's {@code legacy.py} reads it: never
 * the class, only the state dict its {@code __getstate__} returned ({@code version}, {@code name},
 * {@code static_kwargs}, {@code components}, {@code build_module_src}, {@code variables}, …).
 */
final class TfNetwork implements BuildTarget {
  private Map<?, ?> state = Map.of();

  @Override
  public void build(Object value) {
    if (!(value instanceof Map<?, ?> map) || value instanceof InertObject) {
      throw new PickleException("TensorFlow network state is " + GeneratorKwargs.describe(value) + ", not a dict");
    }
    state = map;
  }

  Map<?, ?> state() {
    return state;
  }

  @Override
  public String toString() {
    return "<TensorFlow network " + state.get("name") + ">";
  }
}
