package dev.finetoon.io.pickle;

import java.util.Map;

/**
 * A {@code torch.nn.Module} as NVIDIA's {@code torch_utils.persistence} pickles it: the class name and the module's
 * {@code __dict__} ({@code _parameters}, {@code _buffers}, {@code _modules}, {@code _init_kwargs}, …). The embedded
 * {@code module_src} is deliberately dropped: finetoon reads the structure and never runs the source.
 */
record PersistentModule(String className, Map<?, ?> state) {

  @Override
  public String toString() {
    return "<persistent " + className + ">";
  }
}
