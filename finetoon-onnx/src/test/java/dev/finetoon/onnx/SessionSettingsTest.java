package dev.finetoon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import org.junit.jupiter.api.Test;

class SessionSettingsTest {
  @Test
  void defaultsLeaveThreadsToOnnxRuntimeAndPreferCuda() {
    assertThat(SessionSettings.defaults()).isEqualTo(new SessionSettings(0, 0, OptLevel.ALL_OPT, true, 0));
  }

  @Test
  void rejectsNegativeThreadCounts() {
    assertThatThrownBy(() -> SessionSettings.builder().intraOpThreads(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionSettings.builder().interOpThreads(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
