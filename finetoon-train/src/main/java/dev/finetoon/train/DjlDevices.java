package dev.finetoon.train;

import ai.djl.engine.Engine;
import dev.finetoon.Device;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps finetoon's {@link Device} onto DJL's, falling back to the CPU where the GPU asked for is absent. */
final class DjlDevices {
  private static final Logger log = LoggerFactory.getLogger(DjlDevices.class);
  private static final Set<Device> reported = ConcurrentHashMap.newKeySet();

  private DjlDevices() {}

  /** DJL's device for {@code device}; a fallback is logged once per device asked for. */
  static ai.djl.Device of(Device device) {
    PyTorchThreads.applyDefaults();
    if (!device.gpu()) {
      return ai.djl.Device.cpu();
    }
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    if (device.index() < gpus) {
      if (reported.add(device)) {
        log.info("DJL (PyTorch) runs on cuda:{}", device.index());
      }
      return ai.djl.Device.gpu(device.index());
    }
    if (reported.add(device)) {
      String why = gpus == 0 ? "no CUDA device is visible to PyTorch" : "PyTorch sees " + gpus + " CUDA device(s)";
      if (device.required()) {
        log.warn("DJL (PyTorch) runs on the CPU: {} was asked for, but {}", device, why);
      } else {
        log.debug("DJL (PyTorch) runs on the CPU: {}", why);
      }
    }
    return ai.djl.Device.cpu();
  }
}
