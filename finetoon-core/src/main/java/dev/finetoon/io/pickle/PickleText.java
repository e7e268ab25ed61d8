package dev.finetoon.io.pickle;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Values from a pickle as they may appear in a message: one line, at most {@value #MAX_CHARS} characters, control
 * characters escaped. A hostile file can hold a string of megabytes, a terminal escape sequence or an integer of
 * millions of digits (whose decimal form alone takes minutes to compute); none of that reaches a message whole.
 */
final class PickleText {
  static final int MAX_CHARS = 80;

  private PickleText() {}

  /** A short description of a value: {@code 'text'}, {@code 42}, {@code a tuple of 3}, {@code bytes of 12}, … */
  static String describe(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof String s) {
      return "'" + shorten(s) + "'";
    }
    if (value instanceof BigInteger n && n.bitLength() > 64) {
      return "an integer of " + n.bitLength() + " bits";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof byte[] bytes) {
      return "bytes of " + bytes.length;
    }
    if (value instanceof Object[] tuple) {
      return "a tuple of " + tuple.length;
    }
    if (value instanceof InertObject || value instanceof InertObject.Global || value instanceof PersistentModule) {
      return shorten(value.toString());
    }
    if (value instanceof Map<?, ?> map) {
      return "a dict of " + map.size();
    }
    if (value instanceof Collection<?> items) {
      return "a " + (value instanceof java.util.Set ? "set" : "list") + " of " + items.size();
    }
    return "a " + value.getClass().getSimpleName();
  }

  /** {@code text} on one line: control characters as {@code \xNN}, cut to {@value #MAX_CHARS} characters. */
  static String shorten(String text) {
    return shorten(text, MAX_CHARS);
  }

  /** {@code text} on one line, control characters escaped, cut to {@code max} characters. */
  static String shorten(String text, int max) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\x%02x", (int) c & 0xff));
      } else {
        out.append(c);
      }
    }
    return i == text.length() ? out.toString() : out + "… (" + text.length() + " chars)";
  }
}
