package dev.finetoon.io.pickle;

/** A value whose content a pickle sets with {@code BUILD} (Python's {@code __setstate__}), as finetoon decodes it. */
interface BuildTarget {
  /** Applies the state; throws {@link net.razorvine.pickle.PickleException} for state of the wrong shape. */
  void build(Object state);
}
