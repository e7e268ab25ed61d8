package dev.finetoon.io.pickle;

import java.util.Map;

/**
 * A {@code torch.nn.Module} as NVIDIA's {@code torch_utils.persistence} pickles it: the class name, the module's
 * {@code __dict__} ({@code _parameters}, {@code _buffers}, {@code _modules}, {@code _init_kwargs}, …) and the
 * embedded Python source of its module ({@code module_src}; empty where it is not a str), which Python would execute
 * on load. finetoon never runs it: readers look for telltale names in it, and the loading {@link PickleGlobals}
 * records it (whatever its type) for {@link PickleScan} to judge.
 */
record PersistentModule(String className, Map<?, ?> state, String moduleSource) {

  @Override
  public String toString() {
    return "<persistent " + className + ">";
  }
}
