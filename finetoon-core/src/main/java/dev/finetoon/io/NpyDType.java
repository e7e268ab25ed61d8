package dev.finetoon.io;

import java.util.Optional;

/**
 * The element types finetoon reads and writes in {@code .npy} files, all little-endian, with numpy's descriptor.
 *
 * <pre>{@code
 * NpyDType.FLOAT32.descr(); // "<f4"
 * }</pre>
 */
public enum NpyDType {
  FLOAT32("<f4", 4),
  FLOAT64("<f8", 8),
  INT32("<i4", 4),
  INT64("<i8", 8),
  UINT8("|u1", 1),
  BOOL("|b1", 1);

  private final String descr;
  private final int itemSize;

  NpyDType(String descr, int itemSize) {
    this.descr = descr;
    this.itemSize = itemSize;
  }

  /** numpy's type string, as in the {@code descr} key of an {@code .npy} header. */
  public String descr() {
    return descr;
  }

  /** Bytes per element. */
  public int itemSize() {
    return itemSize;
  }

  /** The type whose {@link #descr()} is exactly {@code descr}, if finetoon supports it. */
  public static Optional<NpyDType> forDescr(String descr) {
    for (NpyDType type : values()) {
      if (type.descr.equals(descr)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
