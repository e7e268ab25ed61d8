package dev.finetoon;

import static com.google.common.base.Preconditions.checkArgument;

import dev.finetoon.model.GeneratorConfig;
import dev.finetoon.model.StyleGanModel;
import dev.finetoon.seed.NumpyRandomState;
import java.util.List;

/**
 * A runnable StyleGAN2-ADA generator: mapping (z → ws) and synthesis (ws → images), NVIDIA's {@code G.mapping} and
 * {@code G.synthesis}. Obtain one with {@link Generators#open(StyleGanModel)}; close it to free native memory.
 *
 * <pre>{@code
 * try (Generator g = Generators.open(ModelFiles.read(Path.of("ffhq.pkl")))) {
 *   Tensor images = g.generate(List.of(0L, 1L), Truncation.of(0.7), Noise.CONST); // [2, 3, R, R] in [-1, 1]
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe: one generator may serve many threads at once.
 */
public interface Generator extends AutoCloseable {
  /** The weights this generator runs. */
  StyleGanModel model();

  default GeneratorConfig config() {
    return model().config();
  }

  /**
   * The mapping network: z {@code [N, z_dim]} (and labels {@code [N, c_dim]} for conditional models, else null) to
   * ws {@code [N, num_ws, w_dim]}, truncated. A conditional model without labels is an error; labels given to an
   * unconditional model are ignored with a warning, as NVIDIA's generate.py does.
   */
  Tensor mapping(Tensor z, Tensor labels, Truncation truncation);

  /** The synthesis network: ws {@code [N, num_ws, w_dim]} to images {@code [N, C, R, R]}, raw float (not clamped). */
  Tensor synthesis(Tensor ws, Noise noise);

  /** Mapping then synthesis for the z of numpy's {@code RandomState(seed).randn(1, z_dim)}, as generate.py does. */
  default Tensor generate(List<Long> seeds, Tensor labels, Truncation truncation, Noise noise) {
    checkArgument(!seeds.isEmpty(), "no seeds given");
    Tensor z = NumpyRandomState.latents(seeds, config().zDim());
    return synthesis(mapping(z, labels, truncation), noise);
  }

  /** {@link #generate(List, Tensor, Truncation, Noise)} for an unconditional model. */
  default Tensor generate(List<Long> seeds, Truncation truncation, Noise noise) {
    return generate(seeds, null, truncation, noise);
  }

  /** Frees native resources; the generator must not be used afterwards. */
  @Override
  void close();
}
