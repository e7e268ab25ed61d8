package dev.finetoon.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import dev.finetoon.io.ModelFiles;
import dev.finetoon.io.NpyFile;
import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.LayerPlan;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** rosinality checkpoints of ../shared/reference/formats: containers, mapping onto the layer plan, refusals. */
class RosinalityReaderTest {
  private static Tensor npy(String name) throws IOException {
    return NpyFile.read(ReferenceData.formats(name)).toTensor();
  }

  private static Map<?, ?> stateDict(String file, String key) throws IOException {
    return (Map<?, ?>) ((Map<?, ?>) TorchSaveFile.load(ReferenceData.formats(file))).get(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ros_train.pt", "ros_g_ema.pt", "ros_converted.pt", "ros_toon_g.pt"})
  void everyContainerIsRecognisedByContentWithTheReferenceConfiguration(String file) throws IOException {
    StyleGanModel model = ModelFiles.read(ReferenceData.formats(file));
    GeneratorConfig c = model.config();
    assertThat(model.provenance()).containsEntry("format", "rosinality");
    assertThat(c.zDim()).isEqualTo(32);
    assertThat(c.wDim()).isEqualTo(32);
    assertThat(c.imgResolution()).isEqualTo(32);
    assertThat(c.numWs()).isEqualTo(8);
    assertThat(c.mapping().numLayers()).isEqualTo(2);
    // Widths come from the shapes (reduced here), not from rosinality's 512-up-to-32 table or args.
    assertThat(c.blockResolutions().stream().map(c::channels)).containsExactly(24, 24, 16, 8);
    assertThat(c.synthesis().convClamp()).isEmpty();
  }

  @Test
  void aTrainingCheckpointYieldsGEmaNotG() throws IOException {
    StyleGanModel train = RosinalityReader.read(ReferenceData.formats("ros_train.pt"));
    StyleGanModel gEma = RosinalityReader.read(ReferenceData.formats("ros_g_ema.pt"));
    assertThat(train.provenance()).containsEntry("checkpoint_key", "g_ema")
        .containsEntry("container", "torch.save zip archive");
    for (String name : train.tensors().keySet()) {
      assertThat(train.tensor(name)).as(name).isEqualTo(gEma.tensor(name));
    }
    // Saved by train.py as checkpoint/010000.pt and renamed: the folder is the stem at save time.
    assertThat(TorchZipArchive.open(ReferenceData.formats("ros_train.pt")).folder()).isEqualTo("010000");
    Tensor g = ((StoredTensor) stateDict("ros_train.pt", "g").get("conv1.conv.weight")).read("g");
    assertThat(g.reshape(24, 24, 3, 3)).isNotEqualTo(train.tensor("synthesis.b4.conv1.weight"));
  }

  @Test
  void theLegacyStreamHonoursNonContiguousStrides() throws IOException {
    // convert_weight.py's tensors are transposed views (stride [1, 32] for style.1.weight): read them as such and
    // the legacy file holds exactly the zip archive's generator.
    StyleGanModel legacy = RosinalityReader.read(ReferenceData.formats("ros_converted.pt"));
    StyleGanModel zip = RosinalityReader.read(ReferenceData.formats("ros_g_ema.pt"));
    assertThat(legacy.provenance()).containsEntry("container", "legacy torch.save stream")
        .containsEntry("w_avg", "the file's latent_avg");
    TensorRef style = (TensorRef) stateDict("ros_converted.pt", "g_ema").get("style.1.weight");
    assertThat(style.stride()).containsExactly(1, 32);
    for (String name : zip.tensors().keySet()) {
      if (!name.equals(LayerPlan.W_AVG)) {
        assertThat(legacy.tensor(name).maxAbsDifference(zip.tensor(name))).as(name).isZero();
      }
    }
    assertThat(legacy.tensor(LayerPlan.W_AVG)).isEqualTo(npy("ros_base_latent_avg.npy"));
  }

  @Test
  void namesAndShapesMapOntoNvidiasPlan() throws IOException {
    Map<?, ?> sd = stateDict("ros_g_ema.pt", "g_ema");
    StyleGanModel model = RosinalityReader.read(ReferenceData.formats("ros_g_ema.pt"));
    // [1, O, I, 3, 3] loses its leading 1; the 4x4 block is conv1/to_rgb1; convs.{2k} is the up-sampling conv0.
    assertThat(model.tensor("synthesis.b16.conv0.weight").toArray())
        .containsExactly(read(sd, "convs.2.conv.weight").toArray());
    assertThat(model.tensor("synthesis.b16.conv1.noise_const").toArray())
        .containsExactly(read(sd, "noises.noise_4").toArray());
    assertThat(model.tensor("synthesis.b8.conv0.noise_const").toArray())
        .containsExactly(read(sd, "noises.noise_1").toArray());
    // The modulation bias already includes the +1 and is taken as it is.
    assertThat(model.tensor("synthesis.b32.torgb.affine.bias")).isEqualTo(read(sd, "to_rgbs.2.conv.modulation.bias"));
    assertThat(model.tensor("synthesis.b4.torgb.bias").shape()).containsExactly(3);
    assertThat(model.tensor("mapping.fc1.weight")).isEqualTo(read(sd, "style.2.weight"));
    assertThat(model.tensor("synthesis.b4.conv1.noise_strength").shape()).isEmpty();
  }

  @Test
  void withoutALatentAvgTheDocumentedRuleEstimatesTheMeanW() throws IOException {
    StyleGanModel model = RosinalityReader.read(ReferenceData.formats("ros_g_ema.pt"));
    assertThat(model.provenance().get("w_avg")).contains("mean of 4096 mapped z", "RandomState(0)");
    // The same rule in numpy (zipfile + pickle.Unpickler stubs, RandomState(0).randn(4096, 32) as float32, the two
    // style layers with gain 0.01/sqrt(32), bias x 0.01, lrelu 0.2 x sqrt(2), mean in float64), first six values:
    float[] numpy = {0.8542377f, 0.8015895f, 0.0730671f, 0.0282899f, -0.1057095f, 0.3738041f};
    float[] rule = model.tensor(LayerPlan.W_AVG).toArray();
    for (int i = 0; i < numpy.length; i++) {
      assertThat(rule[i]).as("w_avg[%s]", i).isCloseTo(numpy[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void aGivenLatentAvgWinsOverTheFilesAndTheRule() throws IOException {
    Tensor mine = Tensor.of(new float[32], 32);
    StyleGanModel model = RosinalityReader.read(ReferenceData.formats("ros_converted.pt"), mine);
    assertThat(model.tensor(LayerPlan.W_AVG)).isEqualTo(mine);
    assertThat(model.provenance()).containsEntry("w_avg", "given");
    assertThatThrownBy(() -> RosinalityReader.read(ReferenceData.formats("ros_g_ema.pt"), Tensor.zeros(31)))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("mean w has shape [31]");
  }

  @Test
  void aBlurKernelOtherThanNvidiasFilterTimesFourIsRefused() throws IOException {
    Map<Object, Object> sd = new LinkedHashMap<>(stateDict("ros_g_ema.pt", "g_ema"));
    float[] halved = read(sd, "convs.2.conv.blur.kernel").toArray();
    for (int i = 0; i < halved.length; i++) {
      halved[i] /= 4; // the kernel without rosinality's up-sampling gain
    }
    sd.put("convs.2.conv.blur.kernel", fixed(Tensor.of(halved, 4, 4)));
    assertThatThrownBy(() -> RosinalityReader.fromStateDict(sd, "", Tensor.zeros(32), Map.of()))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("convs.2.conv.blur.kernel")
        .hasMessageContaining("× 4");
  }

  @Test
  void missingUnknownAndMisshapenKeysAreRefusedByName() throws IOException {
    Map<Object, Object> sd = new LinkedHashMap<>(stateDict("ros_g_ema.pt", "g_ema"));
    Map<Object, Object> extra = new LinkedHashMap<>(sd);
    extra.put("convs.1.conv.extra", sd.get("noises.noise_0"));
    assertThatThrownBy(() -> RosinalityReader.fromStateDict(extra, "", Tensor.zeros(32), Map.of()))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("convs.1.conv.extra");
    Map<Object, Object> missing = new LinkedHashMap<>(sd);
    missing.remove("noises.noise_3");
    assertThatThrownBy(() -> RosinalityReader.fromStateDict(missing, "", Tensor.zeros(32), Map.of()))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("no noises.noise_3");
    Map<Object, Object> flat = new LinkedHashMap<>(sd);
    flat.put("conv1.conv.weight", fixed(read(sd, "conv1.conv.weight").reshape(24, 24, 3, 3)));
    assertThatThrownBy(() -> RosinalityReader.fromStateDict(flat, "", Tensor.zeros(32), Map.of()))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("expected [1, O, I, k, k]");
  }

  @Test
  void aPrefixSelectsADecoderInsideALargerStateDict() throws IOException {
    Map<Object, Object> psp = new LinkedHashMap<>();
    psp.put("encoder.input_layer.0.weight", stateDict("ros_g_ema.pt", "g_ema").get("style.1.weight"));
    stateDict("ros_g_ema.pt", "g_ema").forEach((k, v) -> psp.put("decoder." + k, v));
    StyleGanModel decoder = RosinalityReader.fromStateDict(psp, "decoder.", Tensor.zeros(32), Map.of("source", "psp"));
    StyleGanModel direct = RosinalityReader.read(ReferenceData.formats("ros_g_ema.pt"), Tensor.zeros(32));
    assertThat(decoder.tensor("synthesis.b32.conv1.weight")).isEqualTo(direct.tensor("synthesis.b32.conv1.weight"));
  }

  @Test
  void aPspOrE4eCheckpointsDecoderIsAGenerator() throws IOException {
    Path encoders = ReferenceData.shared().resolve("reference").resolve("encoders");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(encoders),
        "skipped: encoder reference data not found at " + encoders);
    StyleGanModel psp = ModelFiles.read(encoders.resolve("reduced_psp_w.pt"));
    assertThat(psp.provenance()).containsEntry("checkpoint_key", "state_dict")
        .containsEntry("w_avg", "the file's latent_avg");
    Tensor latent = ((StoredTensor) ((Map<?, ?>) TorchSaveFile.load(encoders.resolve("reduced_psp_w.pt")))
        .get("latent_avg")).read("latent_avg"); // [1, 32]
    assertThat(psp.tensor(LayerPlan.W_AVG).toArray()).containsExactly(latent.toArray());
    // e4e keeps one mean per layer, [n_latent, D], rows differing: the generator falls back to the rule.
    StyleGanModel e4e = ModelFiles.read(encoders.resolve("reduced_e4e.pt"));
    assertThat(e4e.provenance().get("w_avg")).contains("mean of 4096", "latent_avg [10, 32] differs per layer");
    assertThat(e4e.config().imgResolution()).isEqualTo(64);
  }

  private static Tensor read(Map<?, ?> sd, String key) throws ModelFormatException {
    return ((StoredTensor) sd.get(key)).read(key);
  }

  private static StoredTensor fixed(Tensor t) {
    return new StoredTensor() {
      @Override
      public int[] shape() {
        return t.shape();
      }

      @Override
      public Tensor read(String name) {
        return t;
      }
    };
  }
}
