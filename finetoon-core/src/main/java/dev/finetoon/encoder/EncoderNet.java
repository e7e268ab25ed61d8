package dev.finetoon.encoder;

import com.google.common.collect.ImmutableList;
import dev.finetoon.ModelFormatException;
import dev.finetoon.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The structure of a pSp / e4e encoder ({@code models/encoders/psp_encoders.py} and {@code helpers.py} of both
 * repositories), described once from a checkpoint's tensor shapes so that every backend lowers the same network. No
 * width is assumed: the public files are 16 times wider than the reference ones, and both read the same here.
 *
 * <p>On the preprocessed input {@code [N, 3, 256, 256]} in [-1, 1]:
 *
 * <ol>
 *   <li>the stem: {@link #INPUT_CONV} (3×3, pad 1, no bias), BatchNorm {@link #INPUT_BATCH_NORM}, PReLU {@link
 *       #INPUT_PRELU} (a slope per channel);
 *   <li>the IR-SE body: the {@link #units()} in order (see {@link Unit}), four stages each opened by a stride-2 unit;
 *   <li>{@link EncoderArchitecture#LAST_LAYER_INTO_W}: the spatial mean of the last unit's output, then the
 *       EqualLinear {@link #LINEAR}: codes {@code [N, C]};
 *   <li>otherwise the feature pyramid: c1, c2, c3 = the outputs of the last units of stages 2, 3 and 4 ({@code body.6},
 *       {@code body.20}, {@code body.23} of IR-SE-50); {@code p2 = up(c3) + latlayer1(c2)}, {@code p1 = up(p2) +
 *       latlayer2(c1)} with {@code up} bilinear, align_corners, to the lateral map's size and the latlayers 1×1
 *       convolutions with bias; then one {@link StyleBlock} per W+ row on c3, p2 or p1. pSp stacks the blocks'
 *       outputs; e4e adds each further block's output to the first's ({@code w0 + delta_i}, not a running sum).
 * </ol>
 *
 * <pre>{@code
 * EncoderNet net = EncoderNet.describe(EncoderArchitecture.ENCODER4EDITING, encoderWeights);
 * net.styles().size(); // 18 for a 1024² decoder
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class EncoderNet {
  /** The side of the square input every encoder is trained on. */
  public static final int INPUT_SIZE = 256;

  /** BatchNorm2d's epsilon (PyTorch's default, used by every layer here); BatchNorm runs on running statistics. */
  public static final double BATCH_NORM_EPS = 1e-5;

  /** The style blocks' {@code nn.LeakyReLU()}: PyTorch's default slope, not StyleGAN's 0.2. */
  public static final double STYLE_LEAKY_SLOPE = 0.01;

  /** EqualLinear's learning-rate multiplier in every encoder layer: its weight is scaled by {@code lrMul / √in}. */
  public static final double LR_MUL = 1.0;

  public static final String INPUT_CONV = "input_layer.0.weight";
  public static final BatchNorm INPUT_BATCH_NORM = new BatchNorm("input_layer.1");
  public static final String INPUT_PRELU = "input_layer.2.weight";

  /** The {@link EncoderArchitecture#LAST_LAYER_INTO_W} head: {@code linear.weight} and {@code linear.bias}. */
  public static final String LINEAR = "linear";

  /** The lateral 1×1 convolutions: {@code latlayer1} on c2, {@code latlayer2} on c1 (weight and bias each). */
  public static final String LATLAYER_C2 = "latlayer1";

  public static final String LATLAYER_C1 = "latlayer2";

  /** The upstream boundaries between coarse, medium and fine rows ({@code coarse_ind}, {@code middle_ind}). */
  static final int COARSE_END = 3;

  static final int MEDIUM_END = 7;

  /** The map a style block reads. */
  public enum Feature {
    C3,
    P2,
    P1
  }

  /**
   * {@code nn.BatchNorm2d} at {@code prefix}: {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}.
   */
  public record BatchNorm(String prefix) {
    public String weight() {
      return prefix + ".weight";
    }

    public String bias() {
      return prefix + ".bias";
    }

    public String runningMean() {
      return prefix + ".running_mean";
    }

    public String runningVar() {
      return prefix + ".running_var";
    }
  }

  /**
   * One {@code bottleneck_IR_SE} unit, {@code body.i}: {@code res(x) + shortcut(x)}. The residual branch is BatchNorm
   * {@link #batchNorm1()}, the 3×3 convolution {@link #conv1()} (stride 1), PReLU {@link #prelu()}, the 3×3 convolution
   * {@link #conv2()} at {@link #stride()}, BatchNorm {@link #batchNorm2()} and the SE gate {@code x · sigmoid(fc2(relu(
   * fc1(mean_hw(x)))))} (1×1, no biases). The shortcut is the 1×1 convolution {@link #shortcutConv()} at the stride
   * and BatchNorm {@link #shortcutBatchNorm()} where {@link #projects()}, else {@code MaxPool2d(1, stride)}: identity
   * at stride 1, every second row and column at stride 2. Convolutions pad by 1 (3×3) or 0 (1×1), none has a bias.
   *
   * @param prefix {@code body.i}
   * @param in input channels
   * @param depth output channels
   * @param stride 2 for the first unit of a stage, else 1
   * @param seHidden the SE gate's hidden width ({@code fc1}'s output channels)
   * @param projects whether the shortcut is a convolution (the width changes) rather than a subsampling
   */
  public record Unit(String prefix, int in, int depth, int stride, int seHidden, boolean projects) {
    public BatchNorm batchNorm1() {
      return new BatchNorm(prefix + ".res_layer.0");
    }

    public String conv1() {
      return prefix + ".res_layer.1.weight";
    }

    public String prelu() {
      return prefix + ".res_layer.2.weight";
    }

    public String conv2() {
      return prefix + ".res_layer.3.weight";
    }

    public BatchNorm batchNorm2() {
      return new BatchNorm(prefix + ".res_layer.4");
    }

    public String seFc1() {
      return prefix + ".res_layer.5.fc1.weight";
    }

    public String seFc2() {
      return prefix + ".res_layer.5.fc2.weight";
    }

    public String shortcutConv() {
      return prefix + ".shortcut_layer.0.weight";
    }

    public BatchNorm shortcutBatchNorm() {
      return new BatchNorm(prefix + ".shortcut_layer.1");
    }
  }

  /**
   * One {@code GradualStyleBlock}, {@code styles.j}: {@link #convs()} 3×3 convolutions with bias (stride 2, pad 1),
   * each followed by LeakyReLU({@value #STYLE_LEAKY_SLOPE}), which take its input map down to 1×1; then the
   * EqualLinear {@code styles.j.linear}: {@code y = x · (weight · lrMul / √C)ᵀ + bias · lrMul}.
   */
  public record StyleBlock(String prefix, Feature input, int convs) {
    /** The k-th convolution's weight (k from 0); its bias is the same name ending in {@code bias}. */
    public String convWeight(int k) {
      return prefix + ".convs." + (2 * k) + ".weight";
    }

    public String convBias(int k) {
      return prefix + ".convs." + (2 * k) + ".bias";
    }

    public String linearWeight() {
      return prefix + ".linear.weight";
    }

    public String linearBias() {
      return prefix + ".linear.bias";
    }
  }

  private final EncoderArchitecture architecture;
  private final int stemWidth;
  private final ImmutableList<Unit> units;
  private final int c1Unit;
  private final int c2Unit;
  private final ImmutableList<StyleBlock> styles;
  private final int codeWidth;

  private EncoderNet(EncoderArchitecture architecture, int stemWidth, List<Unit> units, int c1Unit, int c2Unit,
      List<StyleBlock> styles, int codeWidth) {
    this.architecture = architecture;
    this.stemWidth = stemWidth;
    this.units = ImmutableList.copyOf(units);
    this.c1Unit = c1Unit;
    this.c2Unit = c2Unit;
    this.styles = ImmutableList.copyOf(styles);
    this.codeWidth = codeWidth;
  }

  /**
   * Describes the encoder whose parameters (names without the {@code encoder.} prefix) are {@code weights}, checking
   * that every tensor the network reads is there with a shape that fits its neighbours.
   *
   * @throws ModelFormatException naming the first missing or misshapen tensor
   */
  public static EncoderNet describe(EncoderArchitecture architecture, Map<String, Tensor> weights)
      throws ModelFormatException {
    Shapes shapes = new Shapes(weights);
    int stem = shapes.dim(INPUT_CONV, 4, 0);
    shapes.expect(INPUT_CONV, stem, 3, 3, 3);
    shapes.batchNorm(INPUT_BATCH_NORM, stem);
    shapes.expect(INPUT_PRELU, stem);
    List<Unit> units = new ArrayList<>();
    List<Integer> stageEnds = new ArrayList<>();
    int width = stem;
    for (int i = 0; weights.containsKey("body." + i + ".res_layer.1.weight"); i++) {
      String prefix = "body." + i;
      int depth = shapes.dim(prefix + ".res_layer.1.weight", 4, 0);
      boolean projects = weights.containsKey(prefix + ".shortcut_layer.0.weight");
      int stride = i == 0 || projects ? 2 : 1;
      if (stride == 2 && i > 0) {
        stageEnds.add(i - 1);
      }
      int seHidden = shapes.dim(prefix + ".res_layer.5.fc1.weight", 4, 0);
      Unit unit = new Unit(prefix, width, depth, stride, seHidden, projects);
      shapes.unit(unit);
      units.add(unit);
      width = depth;
    }
    stageEnds.add(units.size() - 1);
    if (stageEnds.size() != 4) {
      throw new ModelFormatException("an IR-SE body has 4 stages; encoder body.* has " + stageEnds.size()
          + " (units " + units.size() + ")");
    }
    if (architecture.learnsInW()) {
      int c = shapes.dim(LINEAR + ".weight", 2, 0);
      shapes.expect(LINEAR + ".weight", c, width);
      shapes.expect(LINEAR + ".bias", c);
      return new EncoderNet(architecture, stem, units, stageEnds.get(1), stageEnds.get(2), List.of(), c);
    }
    int c = shapes.dim("styles.0.linear.weight", 2, 0);
    int c1 = units.get(stageEnds.get(1)).depth();
    int c2 = units.get(stageEnds.get(2)).depth();
    shapes.expect(LATLAYER_C2 + ".weight", c, c2, 1, 1);
    shapes.expect(LATLAYER_C2 + ".bias", c);
    shapes.expect(LATLAYER_C1 + ".weight", c, c1, 1, 1);
    shapes.expect(LATLAYER_C1 + ".bias", c);
    if (width != c) {
      throw new ModelFormatException("the style blocks read c3 (" + width + " channels) at width " + c);
    }
    int c3Size = INPUT_SIZE >> units.stream().filter(u -> u.stride() == 2).count();
    List<StyleBlock> styles = new ArrayList<>();
    for (int j = 0; weights.containsKey("styles." + j + ".linear.weight"); j++) {
      Feature input = rowFeature(j);
      int size = c3Size << input.ordinal();
      StyleBlock block = new StyleBlock("styles." + j, input, Integer.numberOfTrailingZeros(size));
      shapes.styleBlock(block, c);
      styles.add(block);
    }
    if (styles.isEmpty()) {
      throw new ModelFormatException(architecture.upstreamName() + " without style blocks (no styles.0.linear.weight)");
    }
    return new EncoderNet(architecture, stem, units, stageEnds.get(1), stageEnds.get(2), styles, c);
  }

  /** The map W+ row {@code j}'s style block reads: coarse rows c3, medium p2, fine p1. */
  static Feature rowFeature(int j) {
    return j < COARSE_END ? Feature.C3 : j < MEDIUM_END ? Feature.P2 : Feature.P1;
  }

  public EncoderArchitecture architecture() {
    return architecture;
  }

  /** The stem's output channels (64 in the public files). */
  public int stemWidth() {
    return stemWidth;
  }

  /** The IR-SE units {@code body.0 …} in order. */
  public List<Unit> units() {
    return units;
  }

  /** The index in {@link #units()} of the unit whose output is c1 (the end of the second stage). */
  public int c1Unit() {
    return c1Unit;
  }

  /** The index in {@link #units()} of the unit whose output is c2 (the end of the third stage); c3 is the last. */
  public int c2Unit() {
    return c2Unit;
  }

  /** The style blocks, one per W+ row; empty for {@link EncoderArchitecture#LAST_LAYER_INTO_W}. */
  public List<StyleBlock> styles() {
    return styles;
  }

  /** The width C of a code (the decoder's w_dim: 512 in the public files). */
  public int codeWidth() {
    return codeWidth;
  }

  /** Rows of the encoder's output: the style blocks, or 1 for one W. */
  public int rows() {
    return architecture.learnsInW() ? 1 : styles.size();
  }

  /** Checks names and shapes against the network's expectations. */
  private record Shapes(Map<String, Tensor> weights) {
    Tensor get(String name) throws ModelFormatException {
      Tensor t = weights.get(name);
      if (t == null) {
        throw new ModelFormatException("encoder checkpoint lacks encoder." + name);
      }
      return t;
    }

    int dim(String name, int rank, int axis) throws ModelFormatException {
      Tensor t = get(name);
      if (t.rank() != rank) {
        throw new ModelFormatException("encoder." + name + " has shape " + Arrays.toString(t.shape())
            + ", expected rank " + rank);
      }
      return t.dim(axis);
    }

    void expect(String name, int... shape) throws ModelFormatException {
      Tensor t = get(name);
      if (!Arrays.equals(t.shape(), shape)) {
        throw new ModelFormatException("encoder." + name + " has shape " + Arrays.toString(t.shape()) + ", expected "
            + Arrays.toString(shape));
      }
    }

    void batchNorm(BatchNorm bn, int channels) throws ModelFormatException {
      for (String name : List.of(bn.weight(), bn.bias(), bn.runningMean(), bn.runningVar())) {
        expect(name, channels);
      }
    }

    void unit(Unit u) throws ModelFormatException {
      batchNorm(u.batchNorm1(), u.in());
      expect(u.conv1(), u.depth(), u.in(), 3, 3);
      expect(u.prelu(), u.depth());
      expect(u.conv2(), u.depth(), u.depth(), 3, 3);
      batchNorm(u.batchNorm2(), u.depth());
      expect(u.seFc1(), u.seHidden(), u.depth(), 1, 1);
      expect(u.seFc2(), u.depth(), u.seHidden(), 1, 1);
      if (u.projects()) {
        expect(u.shortcutConv(), u.depth(), u.in(), 1, 1);
        batchNorm(u.shortcutBatchNorm(), u.depth());
      } else if (u.in() != u.depth()) {
        throw new ModelFormatException("encoder." + u.prefix() + " widens " + u.in() + " → " + u.depth()
            + " channels without a shortcut convolution");
      }
    }

    void styleBlock(StyleBlock b, int c) throws ModelFormatException {
      for (int k = 0; k < b.convs(); k++) {
        expect(b.convWeight(k), c, c, 3, 3);
        expect(b.convBias(k), c);
      }
      if (weights.containsKey(b.convWeight(b.convs()))) {
        throw new ModelFormatException("encoder." + b.prefix() + " has more than the " + b.convs()
            + " convolutions that take its " + b.input() + " input to 1x1");
      }
      expect(b.linearWeight(), c, c);
      expect(b.linearBias(), c);
    }
  }
}
