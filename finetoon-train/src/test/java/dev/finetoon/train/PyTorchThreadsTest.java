package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PyTorchThreadsTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(PyTorchThreads.PROPERTY);
  }

  @Test
  void passiveWaitingIsInTheCEnvironmentOnceTheDefaultsAreApplied() {
    assumeTrue(!Platform.isWindows(), "the wait policy is set through the C environment only off Windows");
    String before = System.getenv(PyTorchThreads.OPENMP_VARIABLE);
    PyTorchThreads.applyDefaults();
    // Java's copy of the environment is the one from the JVM's start; libgomp reads the C library's.
    String now = PyTorchThreads.cEnvironment().getenv(PyTorchThreads.OPENMP_VARIABLE);
    if (before == null) {
      assertThat(now).isEqualTo(PyTorchThreads.requestedWaiting().equals("passive") ? "PASSIVE" : null);
    } else {
      assertThat(now).as("a wait policy the user set wins").isEqualTo(before);
    }
  }

  @Test
  void theWaitingCanBeAskedForByProperty() {
    System.setProperty(PyTorchThreads.PROPERTY, " Active ");
    assertThat(PyTorchThreads.requestedWaiting()).isEqualTo("active");
    System.setProperty(PyTorchThreads.PROPERTY, "passive");
    assertThat(PyTorchThreads.requestedWaiting()).isEqualTo("passive");
  }

  @Test
  void anUnknownWaitingIsRefusedWithTheNameOfTheSetting() {
    System.setProperty(PyTorchThreads.PROPERTY, "spin");
    assertThatThrownBy(PyTorchThreads::requestedWaiting)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finetoon.threads.waiting")
        .hasMessageContaining("spin");
  }
}
