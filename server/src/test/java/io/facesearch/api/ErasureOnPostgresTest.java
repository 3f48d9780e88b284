package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.accounts.Application;
import io.facesearch.store.Dialect;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Erasure on PostgreSQL: after {@code DELETE /v3/session/{id}/delete/} and the purge serve runs every minute, no
 * tuple of the tables holding biometric data, live or dead, holds an erased session's image, template or vendor_data
 * (read with {@code pageinspect}: {@code heap_page_items(get_raw_page(...))} over every page of each table and its
 * TOAST table, as the test server's superuser). Before the purge the deleted rows are still there as dead tuples
 * (autovacuum is switched off on these tables for the test, so only the purge can remove them), and the sessions
 * not erased are found by the same scan throughout: the test can fail.
 *
 * <p>It also prints how many erased sessions still have bytes in the raw relation files ({@code
 * pg_read_binary_file}): VACUUM frees the space without zeroing it (see {@code Database.vacuumErased}). With {@code
 * -Dfacesearch.postgres.erasure=full} the purge rewrites the tables, and then no byte is left in them.
 */
class ErasureOnPostgresTest {

  private static final List<String> TABLES =
      List.of("face_images", "faces", "sessions", "face_list_entries");

  /** An enrolled session: its vendor_data, template bytes and image bytes. */
  private record Enrolled(String sessionId, String vendorData, byte[] template, byte[] image) {

    /** Windows of what the session stored, each short enough to lie within one TOAST chunk. */
    List<byte[]> needles() {
      List<byte[]> out = new ArrayList<>();
      out.add(vendorData.getBytes(StandardCharsets.UTF_8));
      out.add(Arrays.copyOfRange(template, 800, 816));
      out.add(Arrays.copyOfRange(template, 2032, 2048));
      // from the second chunk on: the first holds the JPEG header, which every image shares
      for (int chunk = 1; (chunk + 1) * 1996 < image.length; chunk += 2) {
        out.add(Arrays.copyOfRange(image, chunk * 1996 + 100, chunk * 1996 + 132));
      }
      return out;
    }
  }

  /** The sessions of a run: those erased (not yet purged) and those kept. */
  private record Run(List<Enrolled> erased, List<Enrolled> kept) {}

  @Test
  void an_erased_session_leaves_no_tuple_holding_its_image_template_or_vendor_data()
      throws Exception {
    try (TestServer server = new TestServer(Dialect.POSTGRESQL);
        Connection sql = connect(server)) {
      Run run = enrollThenErase(server, sql);
      assertTrue(server.services.review().purgeErased(), "the erasures left a purge to run");
      assertEquals(List.of(), found(sql, run.erased()), "no tuple, live or dead, after the purge");
      assertEquals(List.of(), missing(sql, run.kept()), "sessions not erased are all still there");
      System.out.println(
          "ErasureOnPostgresTest: after VACUUM, of "
              + run.erased().size()
              + " erased sessions, bytes left in freed space of the raw relation files: "
              + rawFileReport(sql, run.erased()));
    }
  }

  @Test
  void with_full_erasure_no_byte_of_an_erased_session_is_left_in_the_relation_files()
      throws Exception {
    System.setProperty(io.facesearch.store.Database.ERASURE_PROPERTY, "full");
    TestServer opened;
    try {
      opened = new TestServer(Dialect.POSTGRESQL);
    } finally {
      System.clearProperty(io.facesearch.store.Database.ERASURE_PROPERTY);
    }
    try (TestServer server = opened;
        Connection sql = connect(server)) {
      Run run = enrollThenErase(server, sql);
      assertTrue(server.services.review().purgeErased(), "the erasures left a purge to run");
      assertEquals(
          "images 0, templates 0, vendor_data 0",
          rawFileReport(sql, run.erased()),
          "no byte of " + run.erased().size() + " erased sessions in the files after VACUUM FULL");
      assertEquals(
          "images "
              + run.kept().size()
              + ", templates "
              + run.kept().size()
              + ", vendor_data "
              + run.kept().size(),
          rawFileReport(sql, run.kept()),
          "the same scan finds every session not erased");
    }
  }

  private static Connection connect(TestServer server) throws SQLException {
    return DriverManager.getConnection(
        server.node.settings().postgres().jdbcUrl(), "facesearch", "");
  }

  /**
   * Enrolls photos over HTTP (vendor_data random, seed printed), then erases every other session over HTTP, and
   * checks that the deleted rows are still there as dead tuples (autovacuum off on these tables): only the purge
   * the caller runs next can remove them.
   */
  private static Run enrollThenErase(TestServer server, Connection sql) throws Exception {
    long seed = new Random().nextLong();
    System.out.println("ErasureOnPostgresTest seed " + seed);
    Random random = new Random(seed);
    try (Statement st = sql.createStatement()) {
      st.execute("CREATE EXTENSION IF NOT EXISTS pageinspect");
      for (String table : TABLES) {
        st.execute(
            "ALTER TABLE "
                + table
                + " SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)");
      }
    }
    Application app = server.services.accounts().defaultApplication().orElseThrow();
    List<Enrolled> erased = new ArrayList<>();
    List<Enrolled> kept = new ArrayList<>();
    for (Path photo : ErasureNeedles.photos(16)) {
      String vendorData = "vd-" + HexFormat.of().toHexDigits(random.nextLong());
      HttpResponse<String> r =
          Http.post(
              server.url("/v3/sessions/"),
              server.apiKey,
              new Multipart()
                  .file("user_image", "p.jpg", "image/jpeg", Files.readAllBytes(photo))
                  .field("vendor_data", vendorData));
      if (r.statusCode() != 201) {
        continue; // several faces: refused, nothing stored
      }
      String id = Http.json(r).get("session_id").asText();
      Enrolled e =
          new Enrolled(
              id,
              vendorData,
              ErasureNeedles.template(server, id),
              server.services.images().read(app.id(), id).orElseThrow());
      // interleaved, so that erased rows sit between kept ones on the same pages
      ((erased.size() + kept.size()) % 2 == 0 ? erased : kept).add(e);
    }
    assertTrue(erased.size() >= 5 && kept.size() >= 5, erased.size() + " + " + kept.size());
    assertEquals(List.of(), missing(sql, erased), "before erasure, the scan finds everything");

    for (Enrolled e : erased) {
      HttpResponse<String> r =
          Http.send(
              "DELETE",
              server.url("/v3/session/" + e.sessionId() + "/delete/"),
              server.apiKey,
              null);
      assertEquals(204, r.statusCode(), r.body());
    }
    assertTrue(
        !found(sql, erased).isEmpty(), "deleted but not yet purged: dead tuples still hold them");
    return new Run(erased, kept);
  }

  /** "images I, templates T, vendor_data V": how many of {@code sessions} have bytes of each in the raw files. */
  private static String rawFileReport(Connection sql, List<Enrolled> sessions) throws SQLException {
    return "images "
        + inRawFiles(sql, sessions, e -> Arrays.copyOfRange(e.image(), 2100, 2132), "face_images")
        + ", templates "
        + inRawFiles(sql, sessions, e -> Arrays.copyOfRange(e.template(), 800, 816), "faces")
        + ", vendor_data "
        + inRawFiles(
            sql, sessions, e -> e.vendorData().getBytes(StandardCharsets.UTF_8), "sessions");
  }

  /** "session S: window W in T" for every window of {@code sessions} some tuple of the tables still holds. */
  private static List<String> found(Connection sql, List<Enrolled> sessions) throws SQLException {
    List<String> out = new ArrayList<>();
    for (Enrolled e : sessions) {
      List<byte[]> needles = e.needles();
      for (int i = 0; i < needles.size(); i++) {
        String where = tupleHolding(sql, needles.get(i));
        if (where != null) {
          out.add("session " + e.sessionId() + ": window " + i + " in " + where);
        }
      }
    }
    return out;
  }

  /** Sessions of which some window is held by no tuple at all. */
  private static List<String> missing(Connection sql, List<Enrolled> sessions) throws SQLException {
    List<String> out = new ArrayList<>();
    for (Enrolled e : sessions) {
      for (byte[] needle : e.needles()) {
        if (tupleHolding(sql, needle) == null) {
          out.add(e.sessionId());
          break;
        }
      }
    }
    return out;
  }

  /** The table (or its TOAST table) with a tuple, live or dead, whose data holds {@code needle}; null if none. */
  private static String tupleHolding(Connection sql, byte[] needle) throws SQLException {
    for (String table : TABLES) {
      for (String relation : List.of(table, toastOf(sql, table))) {
        try (PreparedStatement q =
            sql.prepareStatement(
                "SELECT count(*) FROM generate_series(0, pg_relation_size(?::regclass) / 8192 - 1)"
                    + " AS blk, heap_page_items(get_raw_page(?, blk::int))"
                    + " WHERE position(?::bytea IN t_data) > 0")) {
          q.setString(1, relation);
          q.setString(2, relation);
          q.setBytes(3, needle);
          try (ResultSet r = q.executeQuery()) {
            if (r.next() && r.getLong(1) > 0) {
              return relation;
            }
          }
        }
      }
    }
    return null;
  }

  private static String toastOf(Connection sql, String table) throws SQLException {
    try (PreparedStatement q =
        sql.prepareStatement(
            "SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = ?::regclass")) {
      q.setString(1, table);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  /**
   * How many of {@code sessions} still have {@code window}'s bytes anywhere in the files of {@code table} or its TOAST
   * table (after a CHECKPOINT, so the pages are on disk).
   */
  private static int inRawFiles(
      Connection sql,
      List<Enrolled> sessions,
      java.util.function.Function<Enrolled, byte[]> window,
      String table)
      throws SQLException {
    try (Statement st = sql.createStatement()) {
      st.execute("CHECKPOINT");
    }
    int count = 0;
    for (Enrolled e : sessions) {
      for (String relation : List.of(table, toastOf(sql, table))) {
        try (PreparedStatement q =
            sql.prepareStatement(
                "SELECT position(?::bytea IN pg_read_binary_file(pg_relation_filepath(?)))")) {
          q.setBytes(1, window.apply(e));
          q.setString(2, relation);
          try (ResultSet r = q.executeQuery()) {
            if (r.next() && r.getLong(1) > 0) {
              count++;
              break;
            }
          }
        }
      }
    }
    return count;
  }
}
