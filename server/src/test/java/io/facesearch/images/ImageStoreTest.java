package io.facesearch.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.accounts.AccountStore;
import io.facesearch.store.Database;
import io.facesearch.store.Dialect;
import io.facesearch.store.FaceImages;
import io.facesearch.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The image-store contract on both stores, as {@code Node} picks them: files in the data folder beside SQLite, rows of
 * PostgreSQL beside the truth there. An image is saved or erased together with the transaction that refers to it.
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class ImageStoreTest {

  @Parameter Dialect dialect;
  @TempDir Path dir;

  private Database db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private ImageStore open() {
    db = TestDatabases.open(dialect, dir);
    return dialect == Dialect.POSTGRESQL
        ? new DatabaseImageStore(db, new FaceImages(), Clock.systemUTC())
        : new FileImageStore(dir);
  }

  private String application() {
    return new AccountStore(db, Clock.systemUTC()).createApplication("Org", "App").id();
  }

  private static byte[] jpeg(long seed) {
    byte[] b = new byte[40_000]; // several TOAST chunks on PostgreSQL
    new Random(seed).nextBytes(b);
    b[0] = (byte) 0xFF;
    b[1] = (byte) 0xD8;
    return b;
  }

  @Test
  void an_image_saved_in_a_committed_transaction_reads_back_byte_for_byte() {
    ImageStore images = open();
    String app = application();
    String owner = UUID.randomUUID().toString();
    String name = db.inTransaction(tx -> images.save(tx, app, owner, jpeg(1)));
    assertEquals(owner + ".jpg", name);
    assertArrayEquals(jpeg(1), images.read(app, owner).orElseThrow());
    assertEquals(Optional.empty(), images.read(app, UUID.randomUUID().toString()), "another owner");
  }

  @Test
  void an_image_saved_in_a_transaction_that_rolls_back_is_not_kept() {
    ImageStore images = open();
    String app = application();
    String owner = UUID.randomUUID().toString();
    assertThrows(
        IllegalStateException.class,
        () ->
            db.inTransaction(
                tx -> {
                  images.save(tx, app, owner, jpeg(2));
                  throw new IllegalStateException("the rows after the image failed");
                }));
    assertEquals(Optional.empty(), images.read(app, owner));
  }

  @Test
  void a_deleted_image_is_kept_when_the_transaction_rolls_back_and_gone_when_it_commits() {
    ImageStore images = open();
    String app = application();
    String owner = UUID.randomUUID().toString();
    db.inTransaction(tx -> images.save(tx, app, owner, jpeg(3)));
    assertThrows(
        IllegalStateException.class,
        () ->
            db.inTransaction(
                tx -> {
                  images.delete(tx, app, owner);
                  throw new IllegalStateException("the erasure's rows failed");
                }));
    assertTrue(images.read(app, owner).isPresent(), "kept: the erasure did not happen");
    db.inTransaction(
        tx -> {
          images.delete(tx, app, owner);
          return null;
        });
    assertEquals(Optional.empty(), images.read(app, owner));
  }

  @Test
  void ids_that_are_not_uuids_are_refused() {
    ImageStore images = open();
    String app = application();
    assertThrows(IllegalArgumentException.class, () -> images.read(app, "../../secret.key"));
  }
}
