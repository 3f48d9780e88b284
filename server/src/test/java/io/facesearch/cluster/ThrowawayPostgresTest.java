package io.facesearch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ThrowawayPostgres} on the real Debian binaries: a server that stops, starts again and keeps its data. */
class ThrowawayPostgresTest {

  @TempDir Path dir;

  @Test
  void a_stopped_server_starts_again_on_its_port_with_its_databases() throws Exception {
    TestPostgres.require();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = ThrowawayPostgres.freePort(18785, 5);
    try (ThrowawayPostgres pg = ThrowawayPostgres.start(dir.resolve("pg"), port)) {
      assertTrue(pg.running());
      assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/shop", pg.createDatabase("shop"));
      assertTrue(pg.hasDatabase("shop"));
      assertFalse(pg.hasDatabase("other"));
      pg.stop();
      assertFalse(pg.running());
      assertThrows(IllegalStateException.class, () -> pg.hasDatabase("shop"));
      pg.start();
      assertTrue(pg.hasDatabase("shop"), "the data survives a restart");
    }
    // A second start on the same folder reuses the cluster rather than running initdb again.
    try (ThrowawayPostgres again = ThrowawayPostgres.start(dir.resolve("pg"), port)) {
      assertTrue(again.hasDatabase("shop"));
    }
  }

  @Test
  void without_the_binaries_the_error_names_the_package_to_install() {
    System.setProperty("facesearch.postgres.absent", "1");
    try {
      assertTrue(ThrowawayPostgres.binaries().isEmpty());
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> ThrowawayPostgres.start(dir.resolve("pg"), 18786));
      assertTrue(e.getMessage().contains("apt-get install postgresql"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line");
    } finally {
      System.clearProperty("facesearch.postgres.absent");
    }
  }
}
