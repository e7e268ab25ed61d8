package dev.finetoon.io.pickle;

import java.util.Map;

/**
 * A {@code torch.nn.Module} as NVIDIA's {@code torch_utils.persistence} pickles it: the class name and the module's
 * {@code __dict__} ({@code _parameters}, {@code _buffers}, {@code _modules}, {@code _init_kwargs}, …). The embedded
 * Python source of its module ({@code module_src}), which Python would execute on load, is never run: the loading
 * {@link PickleGlobals} records it for {@link PickleScan}.
 */
record PersistentModule(String className, Map<?, ?> state) {

  @Override
  public String toString() {
    return "<persistent " + className + ">";
  }
}
