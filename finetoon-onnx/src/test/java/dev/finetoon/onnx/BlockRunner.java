package dev.finetoon.onnx;

import dev.finetoon.Tensor;
import dev.finetoon.model.ModulatedConv;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs one synthesis block's graph on its own, with const noise, to localise a parity error. */
final class BlockRunner {
  private BlockRunner() {}

  static Map<String, Tensor> run(StyleGanModel model, SynthesisBlock block, Tensor ws, Tensor x, Tensor img) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    if (!block.isFirst()) {
      inputs.put(StyleGanGraphs.X, x);
      inputs.put(StyleGanGraphs.IMG, img);
    }
    inputs.put(StyleGanGraphs.WS, OnnxGenerator.wsSlice(ws, block.firstWIndex(), block.numWs()));
    for (ModulatedConv layer : block.convs()) {
      int r = layer.resolution();
      inputs.put(StyleGanGraphs.noiseInput(layer), model.tensor(layer.noiseConst()).reshape(1, 1, r, r));
    }
    try (OnnxSession session =
        OnnxSession.open(StyleGanGraphs.block(model, block).build("b"), SessionSettings.defaults())) {
      return session.run(inputs);
    }
  }
}
