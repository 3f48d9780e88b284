package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.testing.TestPostgres;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Nodes starting at the same time on one PostgreSQL database (each its own pool, as separate processes have) end up
 * with one server secret: the first stored wins, every node reads it.
 */
class ServerSecretsTest {

  private static final int NODES = 6;

  @Test
  void nodes_starting_at_once_all_read_the_one_secret_that_was_stored_first() throws Exception {
    String url = TestPostgres.database();
    List<Database> pools = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(NODES);
    try {
      for (int i = 0; i < NODES; i++) {
        pools.add(Database.postgres(url, "facesearch", ""));
      }
      CyclicBarrier start = new CyclicBarrier(NODES);
      List<byte[]> candidates = new ArrayList<>();
      List<Future<byte[]>> read = new ArrayList<>();
      for (Database db : pools) {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        candidates.add(candidate);
        read.add(
            threads.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  return db.inTransaction(
                      tx -> new ServerSecrets().createOrRead(tx, candidate, Instant.now()));
                }));
      }
      Set<String> secrets = read.stream().map(ServerSecretsTest::hex).collect(Collectors.toSet());
      assertEquals(1, secrets.size(), "every node reads the same secret");
      assertTrue(
          candidates.stream().map(HexFormat.of()::formatHex).anyMatch(secrets::contains),
          "it is one of the candidates");
      byte[] later = new byte[32];
      byte[] again =
          pools
              .get(0)
              .inTransaction(tx -> new ServerSecrets().createOrRead(tx, later, Instant.now()));
      assertArrayEquals(
          HexFormat.of().parseHex(secrets.iterator().next()), again, "never replaced");
    } finally {
      threads.shutdownNow();
      pools.forEach(Database::close);
    }
  }

  private static String hex(Future<byte[]> f) {
    try {
      return HexFormat.of().formatHex(f.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
