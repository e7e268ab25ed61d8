package dev.finetoon.io.pickle;

import java.nio.ByteBuffer;

/**
 * A torch storage read from a legacy stream: its element type and little-endian data (a view, no copy). Compared by
 * identity: hashing the data would let a pickle that uses one storage as a dict key many times take quadratic time.
 */
record TorchStorage(StorageType type, long numel, ByteBuffer data) {
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
