package io.facesearch.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facesearch.accounts.Application;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.pipeline.TestData;
import io.facesearch.services.Services;
import io.facesearch.store.Dialect;
import io.facesearch.store.RawSql;
import io.facesearch.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code import}: a CSV of photos enrolled through the search service, resumed without duplicates; with the truth in
 * SQLite and in PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class BulkImportTest {

  @Parameter Dialect dialect;

  @Test
  void imports_a_csv_reports_no_face_and_errors_and_resumes_without_duplicates(@TempDir Path tmp)
      throws Exception {
    Path csv = tmp.resolve("users.csv");
    Files.writeString(
        csv,
        String.join(
                "\n",
                "\uFEFFpath,vendor_data,name,document_number,status", // as Excel saves UTF-8
                TestData.file("face_recognition_examples/examples/obama.jpg")
                    + ",user-1,\"Obama, Barack\",X1234567,Approved",
                TestData.file("face_recognition_examples/examples/biden.jpg")
                    + ",user-2,Joe Biden,,",
                TestData.file("opencv-doc_examples/no_face/fruits.jpg") + ",user-3,,,",
                tmp.resolve("missing.jpg") + ",user-4,,,",
                TestData.file("face_recognition_examples/examples/obama.jpg")
                    + ",user-5,Someone Else,,")
            + "\n");
    List<ImportEntry> entries = ImportSource.csv(csv);
    assertEquals("Obama, Barack", entries.getFirst().name());

    NodeSettings settings =
        NodeSettings.of(tmp.resolve("data"))
            .withPostgres(
                dialect == Dialect.POSTGRESQL
                    ? new NodeSettings.Postgres(TestPostgres.database(), "facesearch", "")
                    : null);
    try (Node node = Node.open(settings, Clock.systemUTC())) {
      Services s = node.services(SharedPipeline.get());
      s.accounts().bootstrapIfEmpty();
      Application app = s.accounts().defaultApplication().orElseThrow();
      PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
      BulkImport.Summary first = new BulkImport(s.search()).run(app, entries, 2, quiet, quiet);
      assertEquals(2, first.enrolled());
      assertEquals(1, first.noFace());
      assertEquals(2, first.errors(), "the missing photo, and the second row of obama.jpg");
      assertEquals(2, s.faces().count(app.id()));
      int firstRow = RawSql.read(s.db(), c -> countVendor(c, app.id(), "user-1"));
      assertEquals(1, firstRow, "the first row of a photo is the one imported");

      BulkImport.Summary again = new BulkImport(s.search()).run(app, entries, 2, quiet, quiet);
      assertEquals(0, again.enrolled());
      assertEquals(2, again.alreadyDone());
      assertEquals(2, s.faces().count(app.id()), "a resumed import enrolls nothing twice");
    }
  }

  private static int countVendor(java.sql.Connection c, String applicationId, String vendorData)
      throws java.sql.SQLException {
    try (var q =
        c.prepareStatement(
            "SELECT COUNT(*) FROM sessions WHERE application_id = ? AND vendor_data = ?")) {
      q.setString(1, applicationId);
      q.setString(2, vendorData);
      try (var r = q.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }
}
