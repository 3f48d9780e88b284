package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.AccountStore;
import io.facesearch.app.NodeSettings;
import io.facesearch.cli.Main;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import io.facesearch.migration.ClusterMigration;
import io.facesearch.migration.ClusterTarget;
import io.facesearch.migration.MigrationRefusedException;
import io.facesearch.migration.MigrationReport;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.CopiedTable;
import io.facesearch.store.Database;
import io.facesearch.store.EmbeddedTruth;
import io.facesearch.store.FaceStore;
import io.facesearch.store.PagedFaceTruth;
import io.facesearch.store.TruthCopy;
import io.facesearch.testing.TestPostgres;
import io.facesearch.testing.TestSolr;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.store.LockObtainFailedException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./facesearch migrate}: an embedded data folder with faces enrolled over HTTP (real photos, real models, real
 * SQLite) moved into a real PostgreSQL (the test server of {@link TestPostgres}) and a real SolrCloud (solr-runner
 * in a JVM of its own, {@link TestSolr}), then served by a node on both.
 */
class MigrateToClusterTest {

  private static final String OBAMA = "face_recognition_examples/examples/obama.jpg";
  private static final String OBAMA_OTHER_PHOTO = "face_recognition_examples/examples/obama2.jpg";
  private static final String BIDEN = "face_recognition_examples/examples/biden.jpg";
  private static final String STRANGER = "deepface_tests/identities/id05/img16.jpg";
  private static final String CONSOLE_EMAIL = "ops@example.com";
  private static final String CONSOLE_PASSWORD = "Correct-horse-42";

  /** The embedded folder every test migrates (read-only to the migrations) and what was enrolled in it. */
  private static Path folder;

  private static String apiKey;
  private static String obamaSession;
  private static String bidenSession;
  private static String blocklist;
  private static String destinationId;
  private static String destinationSecret;
  private static String applicationId;

  /** The collections this test migrated into. */
  private final List<NodeSettings.Solr> collections = new ArrayList<>();

  @BeforeAll
  static void enrolledFolderAndSolrCloud() throws Exception {
    TestPostgres.require();
    TestSolr.require();
    try (TestServer embedded = new TestServer()) {
      folder = embedded.data;
      apiKey = embedded.apiKey;
      obamaSession = enroll(embedded, OBAMA, "Barack Obama", "P1234567");
      bidenSession = enroll(embedded, BIDEN, "Joe Biden", "P7654321");
      enroll(embedded, STRANGER, null, null);
      // a saved search: an API session, its decision and a credit charge
      Http.post(
          embedded.url("/v3/face-search/"),
          apiKey,
          new Multipart()
              .file("user_image", "selfie.jpg", "image/jpeg", TestData.bytes(OBAMA_OTHER_PHOTO)));
      // a blocklist entry with an image of its own
      HttpResponse<String> list =
          Http.send(
              "POST",
              embedded.url("/v3/lists/"),
              apiKey,
              "{\"name\": \"Fraud\", \"list_type\": \"blocklist\"}");
      assertEquals(201, list.statusCode(), list.body());
      blocklist = Http.json(list).get("uuid").asText();
      HttpResponse<String> entry =
          Http.send(
              "POST",
              embedded.url("/v3/lists/" + blocklist + "/entries/face-upload/"),
              apiKey,
              "{\"image\": \""
                  + Base64.getEncoder().encodeToString(TestData.bytes(STRANGER))
                  + "\"}");
      assertEquals(201, entry.statusCode(), entry.body());
      // a webhook destination: its secret is sealed under the folder's secret.key
      HttpResponse<String> destination =
          Http.send(
              "POST",
              embedded.url("/v3/webhook/destinations/"),
              apiKey,
              "{\"label\": \"main\", \"url\": \"http://127.0.0.1:9/hook\","
                  + " \"subscribed_events\": [\"status.updated\"]}");
      assertEquals(201, destination.statusCode(), destination.body());
      destinationId = Http.json(destination).get("uuid").asText();
      destinationSecret = Http.json(destination).get("secret_shared_key").asText();
      applicationId = embedded.services.accounts().defaultApplication().orElseThrow().id();
      String org = embedded.services.accounts().defaultApplication().orElseThrow().organizationId();
      embedded.services.credits().add(org, 50, "grant", "before the migration");
      embedded.services.registration().createUser(CONSOLE_EMAIL, CONSOLE_PASSWORD, org);
      Console console = new Console(embedded.url(""));
      assertEquals(401, console.signIn(CONSOLE_EMAIL, "wrong-password-1").statusCode());
      assertEquals(303, console.signIn(CONSOLE_EMAIL, CONSOLE_PASSWORD).statusCode());
    }
  }

  @Test
  void
      a_node_on_the_migrated_postgresql_and_solr_finds_the_same_sessions_and_signs_in_the_same_users()
          throws Exception {
    String database = TestPostgres.database();
    ClusterTarget target = target(database);
    List<String> lines = new ArrayList<>();

    MigrationReport report =
        new ClusterMigration(folder, target, lines::add, Clock.systemUTC()).run();
    lines.forEach(System.out::println);

    assertTrue(report.complete(), String.join("\n", lines));
    assertEquals(
        5,
        report.facesIndexed(),
        "three enrolled faces, the saved search's (stored, not a candidate) and the entry's");
    assertTrue(report.check().changedNothing(), "Solr matched the truth after the rebuild");
    assertEquals(0, report.images().missing());
    assertEquals(5, report.images().copied(), "4 sessions' images and the blocklist entry's");
    assertTrue(lines.getLast().startsWith("migrated: "), lines.getLast());
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("truth: faces +5 rows, +5 copied by this run")),
        String.join("\n", lines));
    try (TestServer cluster =
        TestServer.onCluster(
            TempFolders.create("facesearch-cluster-node"),
            apiKey,
            new NodeSettings.Postgres(database, "facesearch", ""),
            new NodeSettings.Solr(
                target.solr().zkHost(),
                target.solr().collection(),
                target.solr().shards(),
                target.solr().replicationFactor()))) {
      HttpResponse<String> r =
          Http.post(
              cluster.url("/v3/face-search/"),
              apiKey,
              new Multipart()
                  .file("user_image", "selfie.jpg", "image/jpeg", TestData.bytes(OBAMA_OTHER_PHOTO))
                  .field("save_api_request", "false"));
      assertEquals(200, r.statusCode(), r.body());
      JsonNode match = Http.json(r).at("/face_search/matches/0");
      assertEquals(obamaSession, match.get("session_id").asText(), r.body());
      assertEquals("Barack Obama", match.at("/user_details/name").asText());
      HttpResponse<byte[]> image = Http.getBytes(URI.create(match.get("match_image_url").asText()));
      assertEquals(
          200, image.statusCode(), "the image, from PostgreSQL, behind the folder's signature");
      assertArrayEquals(
          Files.readAllBytes(
              folder.resolve("images").resolve(applicationId).resolve(obamaSession + ".jpg")),
          image.body());
      HttpResponse<String> hook =
          Http.get(cluster.url("/v3/webhook/destinations/" + destinationId + "/"), apiKey);
      assertEquals(200, hook.statusCode(), hook.body());
      assertEquals(
          destinationSecret,
          Http.json(hook).get("secret_shared_key").asText(),
          "the webhook secret opens with the migrated server secret");
      HttpResponse<String> entries =
          Http.get(cluster.url("/v3/lists/" + blocklist + "/entries/"), apiKey);
      assertEquals(1, Http.json(entries).get("count").asInt(), entries.body());
      HttpResponse<String> decision =
          Http.get(cluster.url("/v3/session/" + bidenSession + "/decision/"), apiKey);
      assertEquals(200, decision.statusCode(), decision.body());
      assertEquals(bidenSession, Http.json(decision).get("session_id").asText());
      Console console = new Console(cluster.url(""));
      assertEquals(303, console.signIn(CONSOLE_EMAIL, CONSOLE_PASSWORD).statusCode());
      assertEquals(200, console.get("/console/sessions").statusCode(), "signed in");
    }
  }

  @Test
  void
      an_interrupted_migration_run_again_ends_identical_to_the_folder_and_a_third_run_says_there_is_nothing_to_do()
          throws Exception {
    String database = TestPostgres.database();
    ClusterTarget target = target(database);
    AtomicInteger batches = new AtomicInteger();
    TruthCopy.Listener stopAfterSeven =
        (table, read, inserted) -> {
          if (batches.incrementAndGet() == 7) {
            throw new IllegalStateException("interrupted after 7 batches, in " + table);
          }
        };

    IllegalStateException stopped =
        assertThrows(
            IllegalStateException.class,
            () ->
                new ClusterMigration(
                        folder, target, 1, stopAfterSeven, line -> {}, Clock.systemUTC())
                    .run());
    System.out.println("migration stopped: " + stopped.getMessage());
    List<String> lines = new ArrayList<>();
    MigrationReport resumed =
        new ClusterMigration(folder, target, lines::add, Clock.systemUTC()).run();
    StringWriter out = new StringWriter();
    int again =
        Main.commandLine()
            .setOut(new PrintWriter(out, true))
            .execute(
                "migrate",
                "--to",
                database,
                "--database-user",
                "facesearch",
                "--solr-zk",
                target.solr().zkHost(),
                "--solr-collection",
                target.solr().collection(),
                "--data",
                folder.toString());

    assertTrue(resumed.complete(), String.join("\n", lines));
    assertEquals(
        resumed.sourceRows() - 7,
        resumed.rowsCopied(),
        "the second run copies only what the first did not (7 batches of one row)");
    assertEquals(0, again, out.toString());
    List<String> third = out.toString().lines().toList();
    assertTrue(
        third.getLast().startsWith("already migrated: the target holds all "), out.toString());
    assertTrue(third.contains("vectors: checked against the truth: identical"), out.toString());
    Database db = Database.postgres(database, "facesearch", "");
    try (EmbeddedTruth source = EmbeddedTruth.open(folder)) {
      TruthCopy compare = new TruthCopy(source, db, 100, (t, r, i) -> {});
      for (CopiedTable table : CopiedTable.ALL) {
        assertEquals(compare.sourceDigest(table), compare.targetDigest(table), table.name());
      }
      assertEquals(5, compare.sourceDigest(tableNamed("faces")).rows());
      List<String> paged = new ArrayList<>();
      new PagedFaceTruth(db, 2).forEachFace(face -> paged.add(face.faceId()));
      List<String> all = new ArrayList<>();
      new FaceStore(db).forEachFace(face -> all.add(face.faceId()));
      assertEquals(
          all.stream().sorted().toList(), paged, "3 pages of 2, each face once, in id order");
      assertTrue(compare.uncopiedTables().isEmpty(), "every table of the schema is copied");
    } finally {
      db.close();
    }
  }

  @Test
  void migrate_refuses_a_target_holding_another_installation_in_one_line() {
    String database = TestPostgres.database();
    Database other = Database.postgres(database, "facesearch", "");
    try {
      new AccountStore(other, Clock.systemUTC()).bootstrapIfEmpty().orElseThrow();
    } finally {
      other.close();
    }
    StringWriter err = new StringWriter();

    int exit =
        Main.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute(
                "migrate",
                "--to",
                database,
                "--database-user",
                "facesearch",
                "--solr-zk",
                TestSolr.zkHost(),
                "--solr-collection",
                "refused",
                "--data",
                folder.toString());

    assertEquals(2, exit, err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().contains("another installation"), err.toString());
    Database db = Database.postgres(database, "facesearch", "");
    try (EmbeddedTruth source = EmbeddedTruth.open(folder)) {
      assertEquals(
          0,
          new TruthCopy(source, db, 100, (t, r, i) -> {})
              .targetDigest(tableNamed("sessions"))
              .rows(),
          "nothing copied");
    } finally {
      db.close();
    }
  }

  @Test
  void migrate_refuses_a_folder_without_a_database_in_one_line() {
    StringWriter err = new StringWriter();

    int exit =
        Main.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute(
                "migrate",
                "--to",
                TestPostgres.database(),
                "--solr-zk",
                TestSolr.zkHost(),
                "--data",
                TempFolders.create("facesearch-empty").toString());

    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().startsWith("error: not an embedded data folder"), err.toString());
  }

  @Test
  void migrate_refuses_a_folder_whose_schema_is_older_than_this_build() {
    Path old = TempFolders.create("facesearch-v9");
    Flyway.configure()
        .dataSource("jdbc:sqlite:" + old.resolve("facesearch.db"), null, null)
        .locations("classpath:db/migration")
        .target("9")
        .load()
        .migrate();

    MigrationRefusedException refused =
        assertThrows(
            MigrationRefusedException.class,
            () ->
                new ClusterMigration(
                        old, target(TestPostgres.database()), l -> {}, Clock.systemUTC())
                    .run());

    assertTrue(refused.getMessage().contains("schema version 9"), refused.getMessage());
  }

  @Test
  void migrate_refuses_a_folder_a_server_is_running_on() {
    try (TestServer running = new TestServer(folder, Clock.systemUTC(), apiKey)) {
      assertThrows(
          LockObtainFailedException.class,
          () ->
              new ClusterMigration(
                      folder, target(TestPostgres.database()), l -> {}, Clock.systemUTC())
                  .run());
    }
  }

  // ---- helpers ----

  /** A new PostgreSQL database and an empty collection of the test SolrCloud (given back after the test). */
  private ClusterTarget target(String database) {
    NodeSettings.Solr collection = TestSolr.collection();
    collections.add(collection);
    return new ClusterTarget(
        database,
        "facesearch",
        "",
        new SolrGalleryConfig(
            collection.zkHost(),
            collection.collection(),
            1,
            1,
            SolrGalleryConfig.DEFAULT_CANDIDATES));
  }

  @AfterEach
  void giveBackCollections() {
    collections.forEach(TestSolr::release);
  }

  private static CopiedTable tableNamed(String name) {
    return CopiedTable.ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static String enroll(TestServer server, String photo, String name, String document) {
    Multipart form =
        new Multipart()
            .file("user_image", "photo.jpg", "image/jpeg", TestData.bytes(photo))
            .field("vendor_data", "migrated-" + photo.hashCode());
    if (name != null) {
      form.field("name", name);
    }
    if (document != null) {
      form.field("document_type", "P").field("document_number", document);
    }
    HttpResponse<String> r = Http.post(server.url("/v3/sessions/"), server.apiKey, form);
    assertEquals(201, r.statusCode(), photo + ": " + r.body());
    return Http.json(r).get("session_id").asText();
  }

  /** A browser on the Business Console: keeps cookies, follows no redirects. */
  private record Console(URI base, HttpClient browser) {

    Console(URI base) {
      this(base, HttpClient.newBuilder().cookieHandler(new CookieManager()).build());
    }

    HttpResponse<String> get(String path) throws Exception {
      return browser.send(
          HttpRequest.newBuilder(URI.create(base + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> signIn(String email, String password) throws Exception {
      Matcher csrf =
          Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
              .matcher(get("/console/sign-in").body());
      assertTrue(csrf.find(), "no CSRF field on the sign-in page");
      String form =
          "_csrf="
              + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
              + "&email="
              + URLEncoder.encode(email, StandardCharsets.UTF_8)
              + "&password="
              + URLEncoder.encode(password, StandardCharsets.UTF_8);
      return browser.send(
          HttpRequest.newBuilder(URI.create(base + "/console/sign-in"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
