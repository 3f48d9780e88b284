package io.facesearch.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facesearch.accounts.AccountStore;
import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.StoredFace;
import io.facesearch.store.Database;
import io.facesearch.store.Dialect;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.Sessions;
import io.facesearch.testing.TestPostgres;
import io.facesearch.testing.TestSessions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Applying the gallery outbox is order-proof and idempotent: whatever order the pending rows of one face are applied
 * in, and however often, the gallery ends holding the face as the truth has it (real SQLite and real PostgreSQL,
 * the exact gallery).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class EnrollmentsOrderTest {

  @Parameter Dialect dialect;

  @Test
  void pending_rows_applied_in_any_order_and_twice_leave_the_truths_state(@TempDir Path dir) {
    long seed = new Random().nextLong();
    System.out.println("EnrollmentsOrderTest seed " + seed);
    Random random = new Random(seed);
    Database db = dialect == Dialect.SQLITE ? Database.sqlite(dir) : TestPostgres.open();
    try {
      String app =
          new AccountStore(db, java.time.Clock.systemUTC())
              .bootstrapIfEmpty()
              .orElseThrow()
              .application()
              .id();
      ExactGallery real = new ExactGallery(4);
      GalleryFaults faults = new GalleryFaults();
      Gallery gallery = faults.around(real);
      faults.failing.set(true);
      AtomicBoolean failing = faults.failing;
      Faces faces = new Faces();
      GalleryOutbox outbox = new GalleryOutbox();
      Enrollments enrollments = new Enrollments(db, faces, outbox, gallery, Clock.systemUTC());
      Sessions sessions = new Sessions();
      String session = UUID.randomUUID().toString();
      db.inTransaction(
          tx -> sessions.insert(tx, TestSessions.approved(session, app, 0, Instant.now())));

      // Kept face K: enrolled, blocklisted. Removed face R: enrolled, then removed. Back face B:
      // enrolled, removed,
      // enrolled again. All while the gallery fails: seven rows wait.
      StoredFace k = face(app, session, random);
      StoredFace r = face(app, session, random);
      StoredFace b = face(app, session, random);
      enrollments.inTransaction(
          tx -> {
            enrollments.enroll(tx, k);
            enrollments.enroll(tx, r);
            enrollments.enroll(tx, b);
            return null;
          });
      enrollments.inTransaction(
          tx -> enrollments.setFlags(tx, k.faceId(), new FaceFlags(true, false, true, true)));
      enrollments.inTransaction(
          tx -> {
            enrollments.remove(tx, r.faceId());
            enrollments.remove(tx, b.faceId());
            return null;
          });
      enrollments.inTransaction(
          tx -> {
            enrollments.enroll(tx, b);
            return null;
          });
      List<GalleryOutbox.Pending> rows = new ArrayList<>(db.read(tx -> outbox.oldest(tx, 100)));
      assertEquals(7, rows.size(), "every change waits while the gallery fails");

      failing.set(false);
      Collections.shuffle(rows, random);
      for (GalleryOutbox.Pending row : rows) {
        enrollments.apply(row.id());
        enrollments.apply(row.id()); // applied twice: the second finds the row gone
      }
      assertEquals(0, enrollments.pending());
      assertEquals(2, real.count(app), "K and B, not R");
      assertEquals(
          1,
          real.count(new GalleryFilter(app, GalleryFilter.Scope.BLOCKLISTED, null)),
          "K with the truth's flags: blocklisted");
    } finally {
      db.close();
    }
  }

  private static StoredFace face(String app, String session, Random random) {
    float[] v = new float[4];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return new StoredFace(
        UUID.randomUUID().toString(),
        app,
        session,
        FaceSource.SESSION,
        false,
        false,
        true,
        true,
        "test-model",
        Instant.now(),
        v);
  }
}
