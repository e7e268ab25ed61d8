package dev.finetoon;

/**
 * A pickle that references a global which would run code if Python unpickled it ({@code os.system},
 * {@code builtins.eval}, …). finetoon never executes it; it refuses the file and names the global.
 */
public class UnsafePickleException extends ModelFormatException {
  private final String global;

  public UnsafePickleException(String global) {
    super("refusing pickle: it references " + global + ", which would execute code if loaded in Python");
    this.global = global;
  }

  /** The offending global as {@code module.name}. */
  public String global() {
    return global;
  }
}
