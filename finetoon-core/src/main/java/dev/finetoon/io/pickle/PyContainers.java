package dev.finetoon.io.pickle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;

/**
 * The lists, dicts and sets a pickle builds. Through its memo a pickle can hold one container twice in the next, n
 * times over: 2^n paths in a few bytes per level, on which a recursive {@code hashCode}, {@code equals} or
 * {@code toString} never finishes. These compare by identity, as {@link InertObject} does (Python cannot hash lists,
 * dicts or sets anyway), and print as their size alone.
 */
final class PyContainers {
  private PyContainers() {}

  static final class PyList extends ArrayList<Object> {
    PyList(Collection<?> items) {
      super(items);
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
      return "<list of " + size() + ">";
    }
  }

  static final class PyDict extends LinkedHashMap<Object, Object> {
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
      return "<dict of " + size() + ">";
    }
  }

  static final class PySet extends HashSet<Object> {
    PySet(Collection<?> items) {
      super(items);
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
      return "<set of " + size() + ">";
    }
  }
}
