package dev.finetoon.spark;

import java.io.IOException;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Sessions that run one call at a time (a {@link dev.finetoon.Toonifier} projects one photo at a time), shared by the
 * tasks of an executor: a task borrows one, or opens one where all are busy, and gives it back. An executor with
 * {@code n} task slots thus opens at most {@code n} sessions, however many tasks and partitions it runs.
 *
 * <pre>{@code
 * Toonifier session = pool.borrow();
 * try {
 *   session.toonify(photo);
 * } finally {
 *   pool.release(session);
 * }
 * }</pre>
 *
 * <p>Thread-safe. The sessions are closed with the {@link ExecutorCache}.
 */
final class SessionPool<T> {
  private final ExecutorCache.Loader<T> opener;
  private final Deque<T> idle = new ConcurrentLinkedDeque<>();

  SessionPool(ExecutorCache.Loader<T> opener) {
    this.opener = opener;
  }

  /** An idle session, or a new one where none is idle. */
  T borrow() throws IOException {
    T session = idle.pollFirst();
    return session != null ? session : opener.load();
  }

  /** Gives a session back for the next task. */
  void release(T session) {
    idle.addFirst(session);
  }
}
