package dev.finetoon.io.pickle;

import java.nio.ByteBuffer;

/** A torch storage read from a legacy stream: its element type and little-endian data (a view, no copy). */
record TorchStorage(StorageType type, long numel, ByteBuffer data) {}
