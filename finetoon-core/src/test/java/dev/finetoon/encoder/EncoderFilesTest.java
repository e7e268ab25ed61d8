package dev.finetoon.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetoon.ModelFormatException;
import dev.finetoon.testing.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the reference pSp / e4e checkpoints: structure from shapes, and clear errors for other files. */
class EncoderFilesTest {
  @TempDir Path dir;

  @Test
  void theE4eCheckpointsStructureComesFromItsShapes() throws IOException {
    Path file = ReferenceData.encoders().resolve("reduced_e4e.pt");
    assertThat(EncoderFiles.isEncoderCheckpoint(file)).isTrue();
    EncoderModel e4e = EncoderFiles.read(file);
    EncoderNet net = e4e.net();
    assertThat(net.architecture()).isEqualTo(EncoderArchitecture.ENCODER4EDITING);
    assertThat(net.units()).hasSize(24);
    assertThat(net.stemWidth()).isEqualTo(4);
    assertThat(net.c1Unit()).isEqualTo(6);
    assertThat(net.c2Unit()).isEqualTo(20);
    // stride 2 on the first unit of each stage; a shortcut convolution where the width changes
    assertThat(net.units().stream().filter(u -> u.stride() == 2).map(EncoderNet.Unit::prefix))
        .containsExactly("body.0", "body.3", "body.7", "body.21");
    assertThat(net.units().stream().filter(EncoderNet.Unit::projects).map(EncoderNet.Unit::prefix))
        .containsExactly("body.3", "body.7", "body.21");
    assertThat(net.units().get(0).seHidden()).isEqualTo(4);
    assertThat(net.units().get(23).seHidden()).isEqualTo(32);
    assertThat(net.styles()).hasSize(10);
    assertThat(net.styles().stream().mapToInt(EncoderNet.StyleBlock::convs).toArray())
        .containsExactly(4, 4, 4, 5, 5, 5, 5, 6, 6, 6);
    assertThat(net.codeWidth()).isEqualTo(32);
    assertThat(e4e.latentAvg().shape()).containsExactly(10, 32);
    assertThat(e4e.startFromLatentAvg()).isTrue();
    assertThat(e4e.decoder().config().imgResolution()).isEqualTo(64);
    assertThat(e4e.numWs()).isEqualTo(10);
    assertThat(e4e.weights()).doesNotContainKey("input_layer.1.num_batches_tracked");
    assertThat(e4e.provenance()).containsEntry("format", "e4e").containsEntry("encoder_type", "Encoder4Editing");
  }

  @Test
  void aGeneratorCheckpointIsNoEncoder() throws IOException {
    Path generator = ReferenceData.formats("ros_g_ema.pt");
    assertThat(EncoderFiles.isEncoderCheckpoint(generator)).isFalse();
    assertThatThrownBy(() -> EncoderFiles.read(generator))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("is no pSp / e4e checkpoint: it has no state_dict");
  }

  @Test
  void aTruncatedCheckpointIsAFormatError() throws IOException {
    byte[] whole = Files.readAllBytes(ReferenceData.encoders().resolve("reduced_psp.pt"));
    Path cut = dir.resolve("cut.pt");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> EncoderFiles.read(cut)).isInstanceOf(ModelFormatException.class);
  }
}
