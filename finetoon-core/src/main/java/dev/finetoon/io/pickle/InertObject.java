package dev.finetoon.io.pickle;

import java.util.LinkedHashMap;
import net.razorvine.pickle.IObjectConstructor;

/**
 * A placeholder for an instance of a global finetoon does not know (say, a class of NVIDIA's augmentation pipeline):
 * it records what the pickle asked for and does nothing. It is a map so that a pickle may fill it like a dict
 * subclass. Reaching one while building the generator is an error naming {@link #global()}.
 */
final class InertObject extends LinkedHashMap<Object, Object> {
  private final String global;

  InertObject(String global) {
    this.global = global;
  }

  /** The global as {@code module.name}. */
  String global() {
    return global;
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "<" + global + ">";
  }

  /** An unknown global itself: calling it makes an {@link InertObject}. */
  record Global(String global) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      return new InertObject(global);
    }

    @Override
    public String toString() {
      return "<" + global + ">";
    }
  }
}
