package dev.finetoon.io;

import dev.finetoon.ModelFormatException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the text of an {@code .npy} header, a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 32), }}.
 *
 * <p>Hand-written because no Java library parses Python literals, and a JSON parser does not fit (single quotes,
 * {@code False}, tuples, trailing commas). It accepts exactly the three keys numpy writes, each once, with a string,
 * a boolean and a tuple of non-negative integers as values, and nothing else: anything unexpected is an error.
 */
final class NpyHeaderParser {
  private final String text;
  private final String source;
  private int pos;

  private NpyHeaderParser(String text, String source) {
    this.text = text;
    this.source = source;
  }

  /** The header that {@code text} states; {@code source} names the file in error messages. */
  static NpyHeader parse(String text, String source) throws ModelFormatException {
    return new NpyHeaderParser(text, source).header();
  }

  private NpyHeader header() throws ModelFormatException {
    String descr = null;
    Boolean fortranOrder = null;
    long[] shape = null;
    Set<String> seen = new HashSet<>();
    skipSpaces();
    expect('{');
    while (!peekAfterSpaces('}')) {
      String key = string();
      if (!seen.add(key)) {
        throw error("key '" + key + "' appears twice");
      }
      skipSpaces();
      expect(':');
      skipSpaces();
      switch (key) {
        case "descr" -> descr = descr();
        case "fortran_order" -> fortranOrder = bool();
        case "shape" -> shape = tuple();
        default -> throw error("unexpected key '" + key + "'");
      }
      if (!peekAfterSpaces('}')) {
        expect(',');
      }
    }
    pos++;
    skipSpaces();
    if (pos < text.length()) {
      throw error("unexpected text after the dict");
    }
    if (descr == null || fortranOrder == null || shape == null) {
      throw error("the keys 'descr', 'fortran_order' and 'shape' must all be present");
    }
    if (fortranOrder) {
      throw new ModelFormatException(
          source + ": the array is stored in Fortran (column-major) order, which finetoon does not read;"
              + " save it from C order");
    }
    return NpyHeader.checked(dtype(descr), shape, source);
  }

  private NpyDType dtype(String descr) throws ModelFormatException {
    if (descr.endsWith("O")) {
      throw new ModelFormatException(
          source + ": the array holds Python objects (dtype '" + descr + "'), which are pickled; finetoon refuses to"
              + " load them because unpickling can run code");
    }
    if (descr.startsWith(">")) {
      throw new ModelFormatException(source + ": big-endian data (dtype '" + descr + "') is not supported");
    }
    return NpyDType.forDescr(descr)
        .orElseThrow(
            () ->
                new ModelFormatException(
                    source + ": unsupported dtype '" + descr + "' (finetoon reads <f4, <f8, <i4, <i8, |u1 and |b1)"));
  }

  private String descr() throws ModelFormatException {
    if (peek('[')) {
      throw new ModelFormatException(source + ": structured dtypes (a list as 'descr') are not supported");
    }
    return string();
  }

  /** A quoted string without escapes: numpy's keys and type strings never need them. */
  private String string() throws ModelFormatException {
    if (!peek('\'') && !peek('"')) {
      throw error("expected a quoted string");
    }
    char quote = text.charAt(pos++);
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != quote) {
      char c = text.charAt(pos++);
      if (c == '\\' || c < 0x20 || c > 0x7e) {
        throw error("unsupported character in a string");
      }
    }
    if (pos == text.length()) {
      throw error("unterminated string");
    }
    return text.substring(start, pos++);
  }

  private boolean bool() throws ModelFormatException {
    if (text.startsWith("True", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("False", pos)) {
      pos += 5;
      return false;
    }
    throw error("expected True or False");
  }

  /** A tuple of integers: {@code ()}, {@code (3,)}, {@code (3, 32)}, {@code (3, 32,)}; but {@code (3)} is no tuple. */
  private long[] tuple() throws ModelFormatException {
    expect('(');
    List<Long> values = new ArrayList<>();
    boolean comma = false;
    while (!peekAfterSpaces(')')) {
      values.add(integer());
      comma = peekAfterSpaces(',');
      if (comma) {
        pos++;
        skipSpaces();
      } else if (!peekAfterSpaces(')')) {
        throw error("expected ',' or ')' in the shape");
      }
    }
    pos++;
    if (values.size() == 1 && !comma) {
      throw error("the shape is not a tuple");
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /** A non-negative integer; an {@code L} suffix, written by numpy under Python 2, is allowed. */
  private long integer() throws ModelFormatException {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == start) {
      throw error("expected a non-negative integer");
    }
    if (pos - start > 18) {
      throw error("dimension " + text.substring(start, pos) + " is too large");
    }
    long value = Long.parseLong(text.substring(start, pos));
    if (peek('L')) {
      pos++;
    }
    return value;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private boolean peekAfterSpaces(char c) {
    skipSpaces();
    return peek(c);
  }

  private void skipSpaces() {
    while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\n')) {
      pos++;
    }
  }

  private void expect(char c) throws ModelFormatException {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private ModelFormatException error(String problem) {
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return new ModelFormatException(
        source + ": malformed .npy header: " + problem + " at character " + pos + " of "
            + shown.replaceAll("[^\\x20-\\x7e]", "?"));
  }
}
