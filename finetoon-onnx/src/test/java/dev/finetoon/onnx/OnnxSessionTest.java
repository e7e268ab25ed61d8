package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.FinetoonException;
import dev.finetoon.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxSessionTest {
  private static final Tensor X = Tensor.of(new float[] {-2, -1, 0, 1, 2, 3}, 2, 3);
  private static final Tensor TWICE_X = Tensor.of(new float[] {-4, -2, 0, 2, 4, 6}, 2, 3);

  @Test
  void cudaPreferenceFallsBackToCpuWithoutTheGpuArtifact() {
    SessionSettings settings = SessionSettings.builder().preferCuda(true).build();
    try (OnnxSession session = OnnxSession.open(doubling().build("double"), settings)) {
      assertThat(session.provider()).isEqualTo(ExecutionProvider.CPU);
      assertThat(session.run(Map.of("x", X))).containsExactly(Map.entry("y", TWICE_X));
    }
  }

  @Test
  void anotherCudaDeviceFallsBackToCpuToo() {
    SessionSettings settings = SessionSettings.builder().preferCuda(true).cudaDevice(3).build();
    try (OnnxSession session = OnnxSession.open(doubling().build("double"), settings)) {
      assertThat(session.provider()).isEqualTo(ExecutionProvider.CPU);
      assertThat(session.run(Map.of("x", X)).get("y")).isEqualTo(TWICE_X);
    }
  }

  @Test
  void cpuWhenCudaIsNotWanted() {
    SessionSettings settings = SessionSettings.builder().preferCuda(false).intraOpThreads(1).interOpThreads(1).build();
    try (OnnxSession session = OnnxSession.open(doubling().build("double"), settings)) {
      assertThat(session.provider()).isEqualTo(ExecutionProvider.CPU);
      assertThat(session.run(Map.of("x", X)).get("y")).isEqualTo(TWICE_X);
    }
  }

  @Test
  void modelFileRunsLikeTheBytes(@TempDir Path dir) throws Exception {
    OnnxGraphBuilder g = doubling();
    Path file = dir.resolve("double.onnx");
    g.write(file, "double");

    assertThat(Files.readAllBytes(file)).isEqualTo(g.build("double"));
    try (OnnxSession fromFile = OnnxSession.open(file, SessionSettings.defaults());
        OnnxSession fromBytes = OnnxSession.open(g.build("double"), SessionSettings.defaults())) {
      assertThat(fromFile.run(Map.of("x", X))).isEqualTo(fromBytes.run(Map.of("x", X)));
    }
  }

  @Test
  void brokenModelIsReportedAsFinetoonException() {
    assertThatThrownBy(() -> OnnxSession.open(new byte[] {1, 2, 3}, SessionSettings.defaults()))
        .isInstanceOf(FinetoonException.class)
        .hasMessageContaining("cannot load");
  }

  @Test
  void wrongInputIsReportedAsFinetoonException() {
    try (OnnxSession session = OnnxSession.open(doubling().build("double"), SessionSettings.defaults())) {
      assertThatThrownBy(() -> session.run(Map.of("x", Tensor.zeros(2, 4))))
          .isInstanceOf(FinetoonException.class)
          .hasMessageContaining("Tensor[2, 4]");
      assertThat(session.run(Map.of("x", X)).get("y")).isEqualTo(TWICE_X);
    }
  }

  private static OnnxGraphBuilder doubling() {
    OnnxGraphBuilder g = new OnnxGraphBuilder().input("x", -1, 3).output("y", -1, 3);
    g.node("y", "Mul", List.of("x", g.constantFloat(2)));
    return g;
  }
}
