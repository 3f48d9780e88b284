package io.facesearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator's mistakes on the command line: one line, exit 2, nothing created. */
class CommandErrorsTest {

  @Test
  void a_mistyped_data_folder_is_refused_in_one_line_and_not_created(@TempDir Path tmp) {
    Path typo = tmp.resolve("dta");
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("apikey", "list", "--data", typo.toString()));
    assertTrue(err.toString().startsWith("error: not a facesearch data folder"), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertFalse(Files.exists(typo), "no empty install was started there");
  }

  @Test
  void serve_beyond_loopback_needs_a_public_url(@TempDir Path tmp) {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    Path data = tmp.resolve("data");
    assertEquals(
        2, cli.execute("serve", "--host", "0.0.0.0", "--port", "0", "--data", data.toString()));
    assertTrue(err.toString().startsWith("error: --public-url is required"), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertFalse(Files.exists(data), "nothing started");
  }

  @Test
  void serve_with_a_solr_gallery_needs_a_postgresql_truth(@TempDir Path tmp) {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    Path data = tmp.resolve("data");
    assertEquals(
        2,
        cli.execute(
            "serve",
            "--solr-zk",
            "127.0.0.1:18700/solr",
            "--port",
            "0",
            "--data",
            data.toString()));
    assertTrue(
        err.toString().startsWith("error: --solr-zk needs --database-url: a gallery shared"),
        err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertFalse(Files.exists(data), "nothing started");
  }

  @Test
  void group_commands_take_help() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertEquals(0, cli.execute("credits", "--help"));
    assertTrue(out.toString().contains("grant"), out.toString());
  }
}
