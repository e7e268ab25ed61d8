package dev.finetoon.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PyTorchThreadsTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(PyTorchThreads.PROPERTY);
  }

  @Test
  void theRequestedWaitingIsInTheCEnvironmentOnceTheDefaultsAreApplied() {
    assumeTrue(!Platform.isWindows(), "the waiting is set through the C environment only off Windows");
    Map<String, String> before = new HashMap<>();
    for (String variable : PyTorchThreads.OPENMP_VARIABLES) {
      if (System.getenv(variable) != null) {
        before.put(variable, System.getenv(variable));
      }
    }
    PyTorchThreads.applyDefaults();
    // Java's copy of the environment is the one from the JVM's start; libgomp reads the C library's.
    PyTorchThreads.CEnvironment environment = PyTorchThreads.cEnvironment();
    for (String variable : PyTorchThreads.OPENMP_VARIABLES) {
      String expected = before.isEmpty() ? PyTorchThreads.requestedWaiting().variables.get(variable)
          : before.get(variable); // a waiting the user set wins: nothing is added
      assertThat(environment.getenv(variable)).as(variable).isEqualTo(expected);
    }
  }

  @Test
  void theDefaultSpinsBrieflyAndPassiveOrActiveCanBeAskedForByProperty() {
    assumeTrue(System.getenv(PyTorchThreads.ENVIRONMENT) == null, "FINETOON_THREAD_WAITING is set");
    assertThat(PyTorchThreads.requestedWaiting()).isEqualTo(PyTorchThreads.Waiting.BRIEF);
    assertThat(PyTorchThreads.Waiting.BRIEF.variables).containsEntry("GOMP_SPINCOUNT", "10000");
    System.setProperty(PyTorchThreads.PROPERTY, " Active ");
    assertThat(PyTorchThreads.requestedWaiting()).isEqualTo(PyTorchThreads.Waiting.ACTIVE);
    assertThat(PyTorchThreads.Waiting.ACTIVE.variables).isEmpty();
    System.setProperty(PyTorchThreads.PROPERTY, "passive");
    assertThat(PyTorchThreads.requestedWaiting()).isEqualTo(PyTorchThreads.Waiting.PASSIVE);
    assertThat(PyTorchThreads.Waiting.PASSIVE.variables).containsEntry("OMP_WAIT_POLICY", "PASSIVE");
  }

  @Test
  void anUnknownWaitingIsRefusedWithTheNameOfTheSetting() {
    System.setProperty(PyTorchThreads.PROPERTY, "spin");
    assertThatThrownBy(PyTorchThreads::requestedWaiting)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finetoon.threads.waiting")
        .hasMessageContaining("brief, passive or active")
        .hasMessageContaining("spin");
  }
}
