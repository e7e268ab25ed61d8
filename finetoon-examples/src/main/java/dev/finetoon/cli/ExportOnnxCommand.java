package dev.finetoon.cli;

import dev.finetoon.model.StyleGanModel;
import dev.finetoon.onnx.OnnxGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code finetoon export-onnx}: the generator as ONNX graphs that other runtimes can run. */
@Command(
    name = "export-onnx",
    description = "Write mapping.onnx, one synthesis.bR.onnx per block and generator.onnx (the whole network).")
final class ExportOnnxCommand extends CliCommand {
  @Option(
      names = "--network",
      required = true,
      paramLabel = "FILE",
      description = "Generator: NVIDIA .pkl or finetoon safetensors.")
  private Path network;

  @Option(names = "--outdir", required = true, paramLabel = "DIR", description = "Where the .onnx files go.")
  private Path outdir;

  @Override
  void run() throws IOException {
    OutputPaths.checkFolder("--outdir", outdir);
    StyleGanModel model = readModel(network);
    Files.createDirectories(outdir);
    OnnxGenerator.export(model, outdir);
    out().println(outdir.resolve("mapping.onnx"));
    model.plan().blocks().forEach(block -> out().println(outdir.resolve(block.name() + ".onnx")));
    out().println(outdir.resolve("generator.onnx"));
    out().println(outdir.resolve(OnnxGenerator.MANIFEST));
    out().flush();
  }
}
