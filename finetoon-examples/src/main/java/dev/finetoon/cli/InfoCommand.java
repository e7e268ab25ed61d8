package dev.finetoon.cli;

import dev.finetoon.io.ModelFiles;
import dev.finetoon.model.DenseLayer;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.MappingConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.model.SynthesisBlock;
import dev.finetoon.model.SynthesisConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code finetoon info}: what a model file holds: format, configuration, blocks, mapping layers, provenance. */
@Command(
    name = "info",
    description = "Describe a generator file: format, configuration, blocks, provenance.")
final class InfoCommand extends CliCommand {
  private static final Map<String, String> FORMATS =
      Map.of(
          "nvidia-snapshot", "NVIDIA ADA training snapshot .pkl, generator G_ema",
          "nvidia-generator", "bare pickled NVIDIA Generator .pkl",
          "stylegan3-repo-snapshot", "NVlabs/stylegan3 training snapshot .pkl, networks_stylegan2 generator G_ema",
          "stylegan3-repo-generator", "bare pickled NVlabs/stylegan3 networks_stylegan2 Generator .pkl",
          "rosinality", "rosinality/stylegan2-pytorch torch.save checkpoint .pt",
          "tensorflow", "NVIDIA TensorFlow StyleGAN2 pickle (G, D, Gs), generator Gs",
          "finetoon", "finetoon safetensors",
          "finetoon-blend", "finetoon safetensors holding a blend",
          "random", "random weights");

  @Parameters(paramLabel = "FILE", description = "A .pkl, rosinality .pt or finetoon safetensors file.")
  private Path file;

  @Override
  void run() throws IOException {
    StyleGanModel model = ModelFiles.read(file);
    GeneratorConfig c = model.config();
    PrintWriter out = out();
    String format = model.provenance().getOrDefault("format", "unknown");
    out.println("file: " + file);
    out.println("format: " + format + (FORMATS.containsKey(format) ? " (" + FORMATS.get(format) + ")" : ""));
    printConfig(out, c);
    out.println("synthesis blocks (parameter counts include buffers):");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"block", "resolution", "in", "out", "parameters", "ws"});
    for (SynthesisBlock b : model.plan().blocks()) {
      int lastW = b.firstWIndex() + b.numWs() - 1;
      rows.add(row(b.name(), b.resolution(), b.inChannels(), b.outChannels(), model.parameterCount(b.name() + "."),
          b.firstWIndex() + "-" + lastW));
    }
    printTable(out, rows);
    out.println("mapping layers:");
    rows.clear();
    rows.add(new String[] {"layer", "in", "out", "parameters"});
    List<DenseLayer> layers = new ArrayList<>();
    model.plan().embed().ifPresent(layers::add);
    layers.addAll(model.plan().mapping());
    for (DenseLayer l : layers) {
      rows.add(row(l.name(), l.inFeatures(), l.outFeatures(), model.parameterCount(l.name() + ".")));
    }
    printTable(out, rows);
    out.println("total parameters and buffers: " + model.parameterCount(""));
    out.println("provenance:");
    model.provenance().forEach((key, value) -> out.println("  " + key + ": " + value));
    out.flush();
  }

  private static void printConfig(PrintWriter out, GeneratorConfig c) {
    MappingConfig m = c.mapping();
    SynthesisConfig s = c.synthesis();
    out.println("configuration:");
    out.printf("  z_dim %d, c_dim %d, w_dim %d, num_ws %d%n", c.zDim(), c.cDim(), c.wDim(), c.numWs());
    out.printf("  resolution %d, img_channels %d%n", c.imgResolution(), c.imgChannels());
    out.printf("  mapping: %d layers, layer_features %d, embed_features %d, lr_multiplier %s, w_avg_beta %s%n",
        m.numLayers(), m.layerFeatures(), m.embedFeatures(), number(m.lrMultiplier()), number(m.wAvgBeta()));
    out.printf("  synthesis: architecture %s, channel_base %d, channel_max %d, conv_clamp %s, num_fp16_res %d,"
            + " use_noise %s, resample_filter %s%n",
        s.architecture(), s.channelBase(), s.channelMax(),
        s.convClamp().isPresent() ? number(s.convClamp().getAsDouble()) : "none",
        s.numFp16Res(), s.useNoise(), s.resampleFilter().stream().map(InfoCommand::number).toList());
  }

  private static String[] row(Object... cells) {
    return Arrays.stream(cells).map(String::valueOf).toArray(String[]::new);
  }

  /** Indented rows, the first column left-aligned and the others right-aligned, two spaces apart. */
  private static void printTable(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(String.format("  %" + (i == 0 ? "-" : "") + widths[i] + "s", r[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** 256.0 as 256, 0.01 as 0.01. */
  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }
}
