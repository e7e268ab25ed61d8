package dev.finetoon.onnx;

import static com.google.common.base.Preconditions.checkState;

import dev.finetoon.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Compiled ONNX sessions shared by every generator in the process, keyed by the identity of the tensors a graph was
 * built from. A blended model holds the very tensor objects of its base and donor, so its untouched blocks find the
 * base's sessions and its swapped blocks the donor's: blending re-exports nothing. Each session is reference counted
 * and closed when its last generator lets go. Thread-safe.
 */
final class CompiledGraphs {
  private static final Map<Key, Entry> ENTRIES = new HashMap<>();

  private CompiledGraphs() {}

  /**
   * What a graph depends on: its kind (e.g. {@code synthesis.b64}, with its plan record), the session settings, and
   * the identities of its tensors.
   */
  record Key(Object description, SessionSettings settings, List<Tensor> tensors) {
    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key k) || !description.equals(k.description) || !settings.equals(k.settings)
          || tensors.size() != k.tensors.size()) {
        return false;
      }
      for (int i = 0; i < tensors.size(); i++) {
        if (tensors.get(i) != k.tensors.get(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = 31 * description.hashCode() + settings.hashCode();
      for (Tensor t : tensors) {
        h = 31 * h + System.identityHashCode(t);
      }
      return h;
    }
  }

  private static final class Entry {
    final OnnxSession session;
    int references;

    Entry(OnnxSession session) {
      this.session = session;
    }
  }

  /** A held reference to a compiled session; {@link #close} lets go of it (once). */
  static final class Lease implements AutoCloseable {
    private final Key key;
    private final OnnxSession session;
    private boolean released;

    private Lease(Key key, OnnxSession session) {
      this.key = key;
      this.session = session;
    }

    OnnxSession session() {
      return session;
    }

    @Override
    public void close() {
      synchronized (ENTRIES) {
        if (released) {
          return;
        }
        released = true;
        Entry entry = ENTRIES.get(key);
        checkState(entry != null && entry.references > 0, "session released more often than acquired");
        if (--entry.references == 0) {
          ENTRIES.remove(key);
          entry.session.close();
        }
      }
    }
  }

  /** The session for {@code key}, compiled from {@code graph} only when no generator holds it yet. */
  static Lease acquire(Key key, Supplier<byte[]> graph) {
    synchronized (ENTRIES) {
      Entry entry = ENTRIES.get(key);
      if (entry == null) {
        entry = new Entry(OnnxSession.open(graph.get(), key.settings()));
        ENTRIES.put(key, entry);
      }
      entry.references++;
      return new Lease(key, entry.session);
    }
  }

  /** Sessions currently compiled (for tests and diagnostics). */
  static int size() {
    synchronized (ENTRIES) {
      return ENTRIES.size();
    }
  }
}
