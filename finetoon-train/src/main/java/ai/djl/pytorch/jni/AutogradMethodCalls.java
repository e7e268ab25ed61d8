package ai.djl.pytorch.jni;

import ai.djl.pytorch.engine.PtSymbolBlock;
import java.util.Arrays;

/**
 * Runs a TorchScript method with arbitrary arguments (tensors and booleans, as NVIDIA's {@code vgg16.pt} expects)
 * with autograd on. Written by hand and placed in DJL's package because DJL 0.36 offers this call only with autograd
 * off ({@code PtSymbolBlock.forward(IValue...)}) or only for tensor arguments; the native entry point it uses takes
 * the training flag.
 */
public final class AutogradMethodCalls {
  private AutogradMethodCalls() {}

  /** {@code module.forward(inputs…)} with gradients recorded; the caller closes the inputs and the result. */
  public static IValue forward(PtSymbolBlock module, IValue... inputs) {
    long[] handles = Arrays.stream(inputs).mapToLong(IValue::getHandle).toArray();
    return new IValue(PyTorchLibrary.LIB.moduleRunMethod(module.getHandle(), "forward", handles, true, false));
  }
}
