package dev.finetoon.train;

import dev.finetoon.FaceEncoder;
import dev.finetoon.TripletFineTuner;
import dev.finetoon.face.faceapi.FaceApiWeights;
import dev.finetoon.finetune.FineTunerBackend;
import java.io.IOException;

/**
 * The DJL (PyTorch) {@link FineTunerBackend}, {@code djl}, registered for {@link java.util.ServiceLoader}. Host
 * applications open fine-tune sessions with {@link TripletFineTuner#builder()}.
 */
public final class DjlFineTunerBackend implements FineTunerBackend {
  @Override
  public String name() {
    return "djl";
  }

  @Override
  public TripletFineTuner open(Session s) throws IOException {
    ai.djl.Device device = DjlDevices.of(s.device());
    DifferentiableFaceEncoder encoder;
    AutoCloseable owned = null;
    if (s.encoder().isPresent()) {
      FaceEncoder given = s.encoder().get();
      if (!(given instanceof DifferentiableFaceEncoder differentiable)) {
        throw new IllegalArgumentException("the fine-tune needs a face encoder gradients flow through (a "
            + DifferentiableFaceEncoder.class.getSimpleName() + " such as TorchScriptFaceEncoder or FaceApiEncoder),"
            + " got " + given.getClass().getName());
      }
      encoder = differentiable;
    } else {
      FaceApiEncoder builtIn = FaceApiEncoder.create(FaceApiWeights.faceRecognition(), device);
      encoder = builtIn;
      owned = builtIn;
    }
    return s.resumeFrom().isPresent()
        ? DjlTripletFineTuner.resume(s.anchor(), s.positive(), s.negative(), encoder, owned, s.options(), device)
        : new DjlTripletFineTuner(s.anchor(), s.positive(), s.negative(), encoder, owned, s.options(), device);
  }
}
