package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.cli.Main;
import io.facesearch.store.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The administrative commands reach the truth a running server uses: {@code apikey create} beside a server, with
 * {@code --database-url} when that truth is in PostgreSQL, makes a key the server accepts, and {@code apikey revoke}
 * makes it refuse it. Once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class ApiKeyCommandTest {

  @Parameter Dialect dialect;

  @Test
  void a_key_made_by_the_command_is_accepted_by_the_server_until_the_command_revokes_it() {
    try (TestServer server = new TestServer(dialect)) {
      Run created = run(server, "apikey", "create", "--data", server.data.toString());
      assertEquals(0, created.code(), created.out());
      List<String> lines = created.out().strip().lines().toList();
      String key = lines.getLast().strip();
      assertTrue(key.startsWith("fsk_"), created.out());
      assertEquals(
          200,
          Http.get(server.url("/v3/billing/balance/"), key).statusCode(),
          "the server knows the key the command stored");

      Run revoked =
          run(server, "apikey", "revoke", key.substring(0, 12), "--data", server.data.toString());
      assertEquals(0, revoked.code(), revoked.out());
      assertEquals(401, Http.get(server.url("/v3/billing/balance/"), key).statusCode());
    }
  }

  record Run(int code, String out) {}

  /** {@code command} on the truth of {@code server} ({@code --database-url} on PostgreSQL), its stdout captured. */
  private static Run run(TestServer server, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    if (server.postgres != null) {
      args.addAll(
          List.of(
              "--database-url",
              server.postgres.jdbcUrl(),
              "--database-user",
              server.postgres.user()));
    }
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      int code = Main.commandLine().execute(args.toArray(String[]::new));
      return new Run(code, printed.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
    }
  }
}
