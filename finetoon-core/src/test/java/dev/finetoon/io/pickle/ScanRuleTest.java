package dev.finetoon.io.pickle;

import static dev.finetoon.io.pickle.PickleBytes.concat;
import static dev.finetoon.io.pickle.PickleBytes.dict;
import static dev.finetoon.io.pickle.PickleBytes.loadFromBytes;
import static dev.finetoon.io.pickle.PickleBytes.persistent;
import static dev.finetoon.io.pickle.PickleBytes.pickle;
import static dev.finetoon.io.pickle.PickleBytes.storageStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.finetoon.io.pickle.PickleBytes.Call;
import dev.finetoon.io.pickle.PickleBytes.Global;
import dev.finetoon.io.pickle.PickleBytes.Raw;
import dev.finetoon.io.pickle.PickleScan.Outcome;
import dev.finetoon.testing.ReferenceData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scan's rule (dangerous, unknown, clean) against constructions that run code when Python loads them, each of
 * which an earlier scan called clean. finetoon never executes a pickle; each payload would create a canary file, and
 * the tests check that it never appears as well as the verdict.
 */
class ScanRuleTest {
  @TempDir Path tmp;

  private Path canary() {
    return tmp.resolve("canary");
  }

  @AfterEach
  void nothingRan() {
    assertThat(canary()).doesNotExist();
  }

  // ---- Every reference file is clean --------------------------------------------------------------------------------

  static Stream<Path> referenceModels() throws IOException {
    Path reference = ReferenceData.shared().resolve("reference");
    assumeTrue(Files.isDirectory(reference), "skipped: reference data not found at " + reference);
    try (Stream<Path> files = Files.walk(reference)) {
      return files.filter(f -> f.toString().endsWith(".pkl") || f.toString().endsWith(".pt")).sorted().toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("referenceModels")
  void everyReferenceModelFileIsCleanAndTorchScriptIsNotJudged(Path file) throws IOException {
    PickleScan scan = PickleScan.of(file);

    assertThat(scan.error()).as(file.toString()).isEmpty();
    if (scan.unjudged().isEmpty()) {
      assertThat(scan.globals()).as(file.toString()).allMatch(g -> g.verdict() == PickleScan.Verdict.KNOWN);
      assertThat(scan.outcome()).as(file + ": " + scan.findings()).isEqualTo(Outcome.CLEAN);
    } else {
      // tiny_encoder.pt and tiny_lpips.pt are TorchScript programs: the scan says so rather than calling them clean.
      assertThat(scan.outcome()).as(file.toString()).isEqualTo(Outcome.UNKNOWN);
      assertThat(scan.unjudged()).singleElement().asString().contains("TorchScript");
    }
  }

  @Test
  void nvidiasNestedStorageStreamsAreListed() {
    PickleScan scan = PickleScan.of(pickle(2, loadFromBytes(storageStream("FloatStorage", 1, 1, new byte[4]))), "s");

    assertThat(scan.globals()).extracting(PickleScan.Global::name)
        .containsExactly("torch.storage._load_from_bytes", "torch.FloatStorage");
    assertThat(scan.outcome()).isEqualTo(Outcome.CLEAN);
  }

  // ---- Globals ------------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void dottedNamesAreJudgedAsPythonResolvesThem(int protocol) {
    for (String[] global : new String[][] {
        {"posixpath", "os.system"}, {"torch", "os.system"}, {"dnnlib.util", "os.system"}, {"numpy", "sys.modules"},
        {"collections", "OrderedDict.__init__.__globals__"}, {"torch", "serialization.load"},
        {"__builtin__", "eval"}, {"copy_reg", "_reconstructor"}, {"commands", "getoutput"}}) {
      byte[] file = pickle(protocol, new Call(new Global(global[0], global[1]), "touch " + canary()));

      assertThat(PickleScan.of(file, "dotted").outcome()).as(String.join(" ", global)).isEqualTo(Outcome.DANGEROUS);
    }
  }

  @Test
  void aDottedNameUnderGlobalIsDangerousToo() {
    // GLOBAL 'posixpath\nos.system' written by hand under PROTO 4, as the review's files did.
    byte[] command = ("touch " + canary()).getBytes(StandardCharsets.UTF_8);
    byte[] file = concat(new byte[] {(byte) 0x80, 4}, "cposixpath\nos.system\n".getBytes(StandardCharsets.US_ASCII),
        PickleBytes.opcodes(4, new String(command, StandardCharsets.UTF_8)), new byte[] {(byte) 0x85, 'R', '.'});

    PickleScan scan = PickleScan.of(file, "dotted");

    assertThat(scan.globals()).containsExactly(new PickleScan.Global("posixpath.os.system",
        PickleScan.Verdict.DANGEROUS));
    assertThat(NvidiaPickleReaderOutcome.of(file)).isInstanceOf(dev.finetoon.UnsafePickleException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "uuid._get_command_stdout", "profile.run", "cProfile.run", "torch.fx.graph_module._forward_from_src",
      "torch.serialization.load", "numpy.lib.npyio.load", "pkgutil.resolve_name", "torch.load", "numpy.load",
      "torch.jit.load", "torch.hub.load", "logging.config.listen", "codecs.open", "zipfile.ZipFile",
      "dnnlib.util.call_func_by_name", "torch_utils.persistence._src_to_module", "operator.call", "functools.reduce"})
  void globalsThatRunCodeOrReadFilesAreDangerous(String global) {
    byte[] file = pickle(2, new Call(global, "touch " + canary()));

    assertThat(PickleScan.of(file, "exploit").outcome()).isEqualTo(Outcome.DANGEROUS);
    assertThat(NvidiaPickleReaderOutcome.of(file)).isInstanceOf(dev.finetoon.UnsafePickleException.class);
  }

  @Test
  void anUnknownGlobalIsNeverClean() {
    PickleScan scan = PickleScan.of(pickle(2, new Call("somepackage.helpers.Thing", 1)), "unknown");

    assertThat(scan.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(scan.findings()).singleElement().asString().startsWith("unknown global somepackage.helpers.Thing");
  }

  @Test
  void aDangerousGlobalInsideANestedStorageStreamIsListed() {
    byte[] stream = concat(pickle(2, new Call("os.system", "touch " + canary())),
        storageStream("FloatStorage", 1, 1, new byte[4]));

    PickleScan scan = PickleScan.of(pickle(2, loadFromBytes(stream)), "nested");

    assertThat(scan.globals()).contains(new PickleScan.Global("os.system", PickleScan.Verdict.DANGEROUS));
    assertThat(scan.outcome()).isEqualTo(Outcome.DANGEROUS);
  }

  // ---- Embedded source ----------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "import posix\nposix.system('touch CANARY')",
      "from pathlib import Path\nPath('CANARY').touch()",
      "import torch\ngetattr(__builtins__, 'ex' + 'ec')(\"open('CANARY', 'w')\")",
      "import torch\ngetattr(torch, 'lo' + 'ad')('CANARY')",
      "import numpy as np\nnp.lib.npyio.load('CANARY', allow_pickle=True)",
      "import torch\nt = torch\nt.load('CANARY')",
      "import torch\ntorch.os.system('touch CANARY')",
      "from torch_utils import misc\nmisc.__dict__['torch'].load('CANARY')",
      "x = ().__class__.__base__.__subclasses__()",
      "import torch\nf = f'{__import__(\"os\").system(\"touch CANARY\")}'",
      "from dnnlib.util import call_func_by_name\ncall_func_by_name('os.system', 'touch CANARY')",
      "from torch_utils.ops import *\nsystem('touch CANARY')",
      "from . import evil"})
  void sourceThatCanReachTheSystemIsDangerous(String code) {
    String source = code.replace("CANARY", canary().toString());
    PickleScan scan = PickleScan.of(pickle(2, persistent("Generator", source, dict())), "source");

    assertThat(scan.outcome()).as(code).isEqualTo(Outcome.DANGEROUS);
    assertThat(scan.sources()).singleElement().satisfies(s -> assertThat(s.suspicious()).isNotEmpty());
  }

  @Test
  void sourceGivenAsBytesIsDangerous() {
    byte[] code = ("import os\nos.system('touch " + canary() + "')").getBytes(StandardCharsets.UTF_8);
    PickleScan scan = PickleScan.of(pickle(2, persistent("Generator", code, dict())), "bytes");

    assertThat(scan.outcome()).isEqualTo(Outcome.DANGEROUS);
    assertThat(scan.findings()).anyMatch(f -> f.contains("not a str"));
  }

  @Test
  void aSourceWhoseHashCollidesWithTheRealOneIsStillJudged() {
    String real = "import torch\nclass Generator: pass\n#";
    String evil = collide("import os\nos.system('touch " + canary() + "')\n#", real.hashCode());
    assertThat(evil.hashCode()).isEqualTo(real.hashCode());
    Object both = List.of(persistent("Generator", real, dict()), persistent("Generator", evil, dict()));

    PickleScan scan = PickleScan.of(pickle(2, both), "collision");

    assertThat(scan.sources()).hasSize(2);
    assertThat(scan.outcome()).isEqualTo(Outcome.DANGEROUS);
  }

  @Test
  void persistentObjectsInSetsKeysAndArgumentsOfUnknownGlobalsAreJudged() {
    Object evil = persistent("Generator", "import os\nos.system('touch " + canary() + "')", dict());
    for (Object holder : List.of(
        new Call("builtins.set", List.of(evil)), dict(evil, 1), new Call("some.Unknown", evil),
        new Raw(concat(new byte[] {(byte) 0x8f, '('}, PickleBytes.opcodes(4, evil), new byte[] {(byte) 0x90})))) {
      PickleScan scan = PickleScan.of(pickle(4, holder), "holder");

      assertThat(scan.outcome()).as(String.valueOf(holder)).isEqualTo(Outcome.DANGEROUS);
    }
  }

  @Test
  void aTensorFlowNetworksBuildSourceIsJudged() {
    Object network = new PickleBytes.Build(new Call("dnnlib.tflib.network.Network"),
        dict("version", 4, "name", "G", "build_module_src", "import os\nos.system('touch " + canary() + "')"));

    PickleScan scan = PickleScan.of(pickle(4, network), "tf");

    assertThat(scan.outcome()).isEqualTo(Outcome.DANGEROUS);
  }

  // ---- Containers Python reads pickles from ------------------------------------------------------------------------

  @Test
  void theObjectPickleOfALegacyTorchSaveStreamIsScanned() {
    // torch.load reads five pickles: magic, protocol, system info, the object, the storage keys. Only the fourth acts.
    byte[] stream = concat(pickle(2, new BigInteger("1950a86a20f9469cfc6c", 16)), pickle(2, 1001),
        pickle(2, dict("little_endian", true)), pickle(2, new Call("os.system", "touch " + canary())),
        pickle(2, List.of()));

    assertThat(PickleScan.of(stream, "legacy.pt").outcome()).isEqualTo(Outcome.DANGEROUS);
  }

  @Test
  void theDataPickleOfATorchZipArchiveIsScanned() throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
      zip.putNextEntry(new ZipEntry("archive/data.pkl"));
      zip.write(pickle(2, new Call("os.system", "touch " + canary())));
      zip.putNextEntry(new ZipEntry("archive/version"));
      zip.write('3');
    }

    assertThat(PickleScan.of(zipped.toByteArray(), "model.pt").outcome()).isEqualTo(Outcome.DANGEROUS);
  }

  /** {@code prefix} followed by seven comment characters chosen so that the whole has {@code hash}. */
  private static String collide(String prefix, int hash) {
    int length = 7;
    int base = 0x4e00; // CJK ideographs: inert in a Python comment
    long power = 1;
    long baseSum = 0;
    for (int i = 0; i < length; i++) {
      baseSum += base * power;
      power *= 31;
    }
    long weight = 1;
    for (int i = 0; i < length; i++) {
      weight *= 31;
    }
    long target = Integer.toUnsignedLong(hash - prefix.hashCode() * (int) weight - (int) baseSum);
    char[] suffix = new char[length];
    for (int i = length - 1; i >= 0; i--) {
      suffix[i] = (char) (base + target % 31);
      target /= 31;
    }
    return prefix + new String(suffix);
  }

  /** What the reader does with a file: the exception it throws, or null. */
  private static final class NvidiaPickleReaderOutcome {
    static Throwable of(byte[] file) {
      try {
        NvidiaPickleReader.read(file, "exploit.pkl");
        return null;
      } catch (Throwable t) {
        return t;
      }
    }
  }
}
