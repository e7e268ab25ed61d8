package dev.finetoon.io;

import com.google.common.collect.ImmutableMap;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Reads and writes <a href="https://github.com/huggingface/safetensors">safetensors</a> files: an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw data.
 * F32, F16, BF16 and F64 tensors are read as float32 (F64 rounded, the others exact); files are written as F32.
 * Corrupt or hostile files fail with a {@link ModelFormatException} naming the problem before anything is allocated
 * on their claims.
 *
 * <pre>{@code
 * SafetensorsFile.write(Path.of("w.safetensors"), Map.of("w", Tensor.zeros(2, 3)), Map.of("format", "pt"));
 * Tensor w = SafetensorsFile.read(Path.of("w.safetensors")).tensors().get("w");
 * }</pre>
 */
public final class SafetensorsFile {
  /** The largest header accepted, as in the reference implementation. */
  static final long MAX_HEADER_BYTES = 100_000_000;

  private static final int LENGTH_BYTES = Long.BYTES;

  /** The tensors and string metadata of a file, both in the order of its header. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public Contents {
      tensors = ImmutableMap.copyOf(tensors);
      metadata = ImmutableMap.copyOf(metadata);
    }
  }

  /** Views {@code length} bytes of a file from {@code offset}. */
  @FunctionalInterface
  private interface Slicer<E extends Exception> {
    ByteBuffer slice(long offset, int length) throws E;
  }

  private SafetensorsFile() {}

  /**
   * Reads a file through a memory mapping, so that each tensor's bytes are copied once, straight into the tensor.
   * Each tensor may hold at most 2 GiB of data.
   */
  public static Contents read(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= Integer.MAX_VALUE) {
        return parse(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
      }
      return parse(size, (offset, length) -> channel.map(FileChannel.MapMode.READ_ONLY, offset, length));
    }
  }

  /** Reads the bytes of a whole file. */
  public static Contents read(byte[] bytes) throws ModelFormatException {
    return parse(ByteBuffer.wrap(bytes));
  }

  /**
   * Writes {@code tensors} as F32 in the given order, with {@code metadata} (may be empty), atomically: on failure the
   * target is untouched. No tensor may be named {@code __metadata__}.
   */
  public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    ImmutableMap<String, Tensor> snapshot = ImmutableMap.copyOf(tensors);
    byte[] header = SafetensorsHeader.encodeFloat32(snapshot, ImmutableMap.copyOf(metadata));
    AtomicFiles.write(
        path,
        out -> {
          out.write(ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
          out.write(header);
          ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
          for (Tensor tensor : snapshot.values()) {
            writeFloat32(tensor, chunk, out);
          }
        });
  }

  private static Contents parse(ByteBuffer file) throws ModelFormatException {
    return parse(file.capacity(), (offset, length) -> file.slice((int) offset, length));
  }

  private static <E extends Exception> Contents parse(long size, Slicer<E> source) throws E, ModelFormatException {
    if (size < LENGTH_BYTES) {
      throw new ModelFormatException("safetensors file of " + size + " bytes is too short to hold a header length");
    }
    long headerLength = source.slice(0, LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new ModelFormatException(
          "safetensors header length " + Long.toUnsignedString(headerLength) + " exceeds the limit of "
              + MAX_HEADER_BYTES + " bytes");
    }
    if (headerLength > size - LENGTH_BYTES) {
      throw new ModelFormatException(
          "safetensors header length " + headerLength + " exceeds the " + (size - LENGTH_BYTES)
              + " bytes after it: the file is truncated");
    }
    long dataStart = LENGTH_BYTES + headerLength;
    SafetensorsHeader header =
        SafetensorsHeader.parse(source.slice(LENGTH_BYTES, (int) headerLength), size - dataStart);
    ImmutableMap.Builder<String, Tensor> tensors = ImmutableMap.builder();
    for (Map.Entry<String, SafetensorsHeader.Entry> named : header.entries().entrySet()) {
      SafetensorsHeader.Entry entry = named.getValue();
      ByteBuffer bytes = source.slice(dataStart + entry.begin(), (int) (entry.end() - entry.begin()));
      tensors.put(named.getKey(), entry.dtype().decode(bytes, entry.shape()));
    }
    return new Contents(tensors.buildOrThrow(), header.metadata());
  }

  private static void writeFloat32(Tensor tensor, ByteBuffer chunk, OutputStream out) throws IOException {
    FloatBuffer floats = chunk.asFloatBuffer();
    FloatBuffer values = tensor.buffer();
    while (values.hasRemaining()) {
      int count = Math.min(floats.capacity(), values.remaining());
      floats.put(0, values, values.position(), count);
      values.position(values.position() + count);
      out.write(chunk.array(), 0, count * Float.BYTES);
    }
  }
}
