package dev.finetoon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @BeforeEach
  void posix() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "skipped: not POSIX");
  }

  @Test
  void aNewFileGetsThePermissionsOfAnOrdinaryWrite() throws IOException {
    // Files.createTempFile made every output 0600, whatever the umask.
    Path ordinary = Files.write(dir.resolve("ordinary.bin"), new byte[] {1});

    AtomicFiles.write(dir.resolve("atomic.bin"), new byte[] {1});

    assertThat(Files.getPosixFilePermissions(dir.resolve("atomic.bin")))
        .isEqualTo(Files.getPosixFilePermissions(ordinary));
  }

  @Test
  void anExistingFileKeepsItsPermissions() throws IOException {
    Path target = Files.write(dir.resolve("shared.bin"), new byte[] {1});
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

    AtomicFiles.write(target, new byte[] {2});

    assertThat(Files.readAllBytes(target)).containsExactly(2);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
  }

  @Test
  void theNextWriteRemovesStaleTemporaryFilesOfItsTarget() throws IOException {
    // What a killed write leaves: nothing cleaned these up (up to 120 MB each).
    Path stale = Files.write(dir.resolve(".blend.safetensors.4417.tmp"), new byte[16]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(AtomicFiles.STALE_AFTER).minusSeconds(60)));
    Path live = Files.write(dir.resolve(".blend.safetensors.9921.tmp"), new byte[16]);
    Path otherTarget = Files.write(dir.resolve(".other.npy.1.tmp"), new byte[16]);
    Files.setLastModifiedTime(otherTarget, Files.getLastModifiedTime(stale));

    AtomicFiles.write(dir.resolve("blend.safetensors"), new byte[] {1});

    assertThat(stale).doesNotExist();
    assertThat(live).exists();
    assertThat(otherTarget).exists();
  }
}
