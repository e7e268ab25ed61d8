package dev.finetoon.train;

import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import dev.finetoon.FinetoonException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs a TorchScript method with arbitrary arguments (tensors and booleans, as NVIDIA's {@code vgg16.pt} expects)
 * with autograd on. Written by hand because DJL 0.36 offers this call only with autograd off
 * ({@code IValueUtils.runMethod}) or only for tensor arguments ({@code IValueUtils.forward(block, NDList, true)}).
 * The native entry point both use takes the training flag but is package-private in {@code ai.djl.pytorch.jni}; it is
 * reached here by reflection (DJL's jars are automatic modules, whose packages are open), looked up once, and a DJL
 * whose entry point differs fails at the first call with a message naming the DJL version this was built for.
 */
final class TorchScriptCalls {
  private static final MethodHandle RUN_METHOD;
  private static final MethodHandle NEW_IVALUE;
  private static final RuntimeException UNAVAILABLE;

  static {
    MethodHandle run = null;
    MethodHandle ivalue = null;
    RuntimeException failure = null;
    try {
      Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
      Field lib = library.getDeclaredField("LIB");
      lib.setAccessible(true);
      Method method = library.getDeclaredMethod(
          "moduleRunMethod", long.class, String.class, long[].class, boolean.class, boolean.class);
      method.setAccessible(true);
      run = MethodHandles.lookup().unreflect(method).bindTo(lib.get(null));
      Constructor<IValue> constructor = IValue.class.getDeclaredConstructor(long.class);
      constructor.setAccessible(true);
      ivalue = MethodHandles.lookup().unreflectConstructor(constructor)
          .asType(MethodType.methodType(IValue.class, long.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      failure = new FinetoonException("this DJL PyTorch engine lacks the TorchScript call finetoon uses for"
          + " differentiable feature networks (built for DJL 0.36): " + e, e);
    }
    RUN_METHOD = run;
    NEW_IVALUE = ivalue;
    UNAVAILABLE = failure;
  }

  private TorchScriptCalls() {}

  /** {@code module.forward(inputs…)} with gradients recorded; the caller closes the inputs and the result. */
  static IValue forward(PtSymbolBlock module, IValue... inputs) {
    if (UNAVAILABLE != null) {
      throw UNAVAILABLE;
    }
    long[] handles = Arrays.stream(inputs).mapToLong(IValue::getHandle).toArray();
    long moduleHandle = module.getHandle();
    try {
      long result = (long) RUN_METHOD.invokeExact(moduleHandle, "forward", handles, true, false);
      return (IValue) NEW_IVALUE.invokeExact(result);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new FinetoonException("TorchScript call failed: " + e.getMessage(), e);
    }
  }
}
