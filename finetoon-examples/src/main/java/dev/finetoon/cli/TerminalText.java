package dev.finetoon.cli;

/**
 * Text from a file (names, values, messages) made safe to print: every control character, the escape that starts a
 * terminal sequence included, is shown as {@code \xNN} (or {@code \\uNNNN}), so a hostile name cannot move the cursor,
 * recolour or overwrite what the terminal shows (a fake "clean" verdict, say).
 */
final class TerminalText {
  private TerminalText() {}

  /** {@code value} as printable text on one line. */
  static String safe(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
          || c == '\u2028' || c == '\u2029';
      if (control && out == null) {
        out = new StringBuilder(text.substring(0, i));
      }
      if (out != null) {
        out.append(!control ? String.valueOf(c) : c <= 0xff ? String.format("\\x%02x", (int) c)
            : String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }
}
