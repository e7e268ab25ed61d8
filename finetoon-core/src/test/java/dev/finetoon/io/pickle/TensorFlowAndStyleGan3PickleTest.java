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
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** NVIDIA's TensorFlow pickles and the stylegan3 repository's snapshots of ../shared/reference/formats. */
class TensorFlowAndStyleGan3PickleTest {
  /** The variables of one network of a TensorFlow pickle's tuple, by full name (legacy.py's tf_params). */
  private static Map<?, ?> network(String file, int element) throws IOException {
    Object[] tuple = (Object[]) NvidiaPickleReader.unpickle(
        Files.readAllBytes(ReferenceData.formats(file)), file, PickleGlobals.forModelFiles());
    return ((TfNetwork) tuple[element]).state();
  }

  private static Object variable(Map<?, ?> net, String component, String name) {
    Map<?, ?> state =
        component == null ? net : ((TfNetwork) ((Map<?, ?>) net.get("components")).get(component)).state();
    for (Object item : (List<?>) state.get("variables")) {
      Object[] pair = (Object[]) item;
      if (pair[0].equals(name)) {
        return pair[1];
      }
    }
    throw new AssertionError("no variable " + name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tf_sg2019.pkl", "tf_ada2020.pkl"})
  void bothTensorFlowLayoutsAreReadFromGs(String file) throws IOException {
    StyleGanModel model = ModelFiles.read(ReferenceData.formats(file));
    assertThat(model.provenance()).containsEntry("format", "tensorflow");
    Tensor dlatentAvg = NpyFile.read(ReferenceData.formats(file.replace(".pkl", "_dlatent_avg.npy"))).toTensor();
    assertThat(model.tensor(LayerPlan.W_AVG)).isEqualTo(dlatentAvg);
    Tensor gsConst = ((NumpyArray) variable(network(file, 2), "synthesis", "4x4/Const/const")).toTensor("const");
    Tensor gConst = ((NumpyArray) variable(network(file, 0), "synthesis", "4x4/Const/const")).toTensor("const");
    assertThat(model.tensor("synthesis.b4.const").toArray()).containsExactly(gsConst.toArray());
    assertThat(gConst).isNotEqualTo(gsConst);
  }

  @Test
  void configurationFollowsLegacyPy() throws IOException {
    GeneratorConfig sg2019 = ModelFiles.read(ReferenceData.formats("tf_sg2019.pkl")).config();
    assertThat(sg2019.synthesis().channelBase()).isEqualTo(256); // 2 · fmap_base 128
    assertThat(sg2019.synthesis().channelMax()).isEqualTo(24);
    assertThat(sg2019.synthesis().convClamp()).isEmpty();
    GeneratorConfig ada = ModelFiles.read(ReferenceData.formats("tf_ada2020.pkl")).config();
    assertThat(ada.zDim()).isEqualTo(24);
    assertThat(ada.wDim()).isEqualTo(32);
    assertThat(ada.synthesis().convClamp()).hasValue(256);
    assertThat(ada.synthesis().numFp16Res()).isEqualTo(4);
  }

  @Test
  void conv0UpIsFlippedAndModBiasGainsItsOne() throws IOException {
    StyleGanModel model = ModelFiles.read(ReferenceData.formats("tf_sg2019.pkl"));
    Map<?, ?> gs = network("tf_sg2019.pkl", 2);
    Tensor up = ((NumpyArray) variable(gs, "synthesis", "16x16/Conv0_up/weight")).toTensor("w"); // [3, 3, 24, 16]
    Tensor plain = ((NumpyArray) variable(gs, "synthesis", "16x16/Conv1/weight")).toTensor("w"); // [3, 3, 16, 16]
    Tensor conv0 = model.tensor("synthesis.b16.conv0.weight"); // [O, I, kh, kw]
    Tensor conv1 = model.tensor("synthesis.b16.conv1.weight");
    // o 5, i 7, ky 0, kx 1 of PyTorch is TensorFlow's [2, 1, 7, 5] for Conv0_up (flipped) and [0, 1, 7, 5] otherwise.
    assertThat(conv0.get(5, 7, 0, 1)).isEqualTo(up.get(2, 1, 7, 5));
    assertThat(conv1.get(5, 7, 0, 1)).isEqualTo(plain.get(0, 1, 7, 5));
    Tensor modBias = ((NumpyArray) variable(gs, "synthesis", "16x16/ToRGB/mod_bias")).toTensor("b");
    assertThat(model.tensor("synthesis.b16.torgb.affine.bias").get(3)).isEqualTo(modBias.get(3) + 1);
    // 0-d variables are numpy scalars; the 2019 layout's lod is not a generator parameter.
    assertThat(variable(gs, "synthesis", "16x16/Conv1/noise_strength")).isInstanceOf(Double.class);
    assertThat(variable(gs, null, "lod")).isInstanceOf(Double.class);
    assertThat(model.tensor("synthesis.b16.conv1.noise_strength").get())
        .isEqualTo(((Double) variable(gs, "synthesis", "16x16/Conv1/noise_strength")).floatValue());
    // noise{2·log2(r) − 5} belongs to b{r}.conv0.
    Tensor noise3 = ((NumpyArray) variable(gs, "synthesis", "noise3")).toTensor("n");
    assertThat(model.tensor("synthesis.b16.conv0.noise_const").toArray()).containsExactly(noise3.toArray());
  }

  @Test
  void anUnknownStaticKwargIsRefusedAsLegacyPyRefusesIt() throws IOException {
    Map<?, ?> gs = network("tf_sg2019.pkl", 2);
    @SuppressWarnings("unchecked")
    Map<Object, Object> kwargs = (Map<Object, Object>) gs.get("static_kwargs");
    kwargs.put("randomize_noise", true);
    TfNetwork net = new TfNetwork();
    net.build(gs);
    assertThatThrownBy(() -> TensorFlowPickleReader.read(new Object[] {net, net, net}, "x.pkl", 1 << 20))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("unknown TensorFlow kwarg 'randomize_noise'");
  }

  @Test
  void aHandWrittenTensorFlowPickleReadsBackAsItsModel() throws ModelFormatException {
    StyleGanModel model = dev.finetoon.fuzz.CorpusSeeds.tinyModel(1);
    StyleGanModel read = NvidiaPickleReader.read(TensorFlowPickleBytes.tuple(model), "tiny-tf.pkl");
    assertThat(read.config()).isEqualTo(model.config());
    for (String name : model.tensors().keySet()) {
      // mod_bias is stored without its +1, so affine biases come back within float rounding of x − 1 + 1.
      float tolerance = name.endsWith(".affine.bias") ? 1e-6f : 0;
      assertThat(read.tensor(name).maxAbsDifference(model.tensor(name))).as(name).isLessThanOrEqualTo(tolerance);
    }
  }

  @Test
  void aStyleGan3RepositoryStyleGan2TakesItsClampFromTheLayers() throws IOException {
    StyleGanModel model = ModelFiles.read(ReferenceData.formats("sg3_stylegan2.pkl"));
    assertThat(model.provenance()).containsEntry("format", "stylegan3-repo-snapshot");
    // conv_clamp is absent from init_kwargs (the repository's default is 256, ADA's none): the layers carry it.
    assertThat(model.config().synthesis().convClamp()).hasValue(256);
    assertThat(model.config().synthesis().channelBase()).isEqualTo(256);
    assertThat(model.config().zDim()).isEqualTo(24);
  }

  @Test
  void aStyleGan3GeneratorIsRefusedByName() {
    assertThatThrownBy(() -> ModelFiles.read(ReferenceData.formats("sg3_stylegan3t.pkl")))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("StyleGAN3 (alias-free) generators are not supported")
        .hasMessageContaining("G_ema is training.networks_stylegan3.Generator");
  }
}
