package io.facesearch.migration;

import io.facesearch.gallery.GalleryReconciler;
import io.facesearch.gallery.solr.SolrGallery;
import io.facesearch.images.DatabaseImageStore;
import io.facesearch.images.FileImageStore;
import io.facesearch.store.CopiedTable;
import io.facesearch.store.Database;
import io.facesearch.store.EmbeddedTruth;
import io.facesearch.store.FaceImages;
import io.facesearch.store.PagedFaceTruth;
import io.facesearch.store.ServerSecrets;
import io.facesearch.store.TruthCopy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * {@code ./facesearch migrate}: moves an embedded data folder to cluster mode. With the folder locked as a running
 * server locks it ({@link DataFolderLock}), it
 * <ol>
 *   <li>refuses a folder whose schema is not this build's, and a target database that holds another installation
 *       (organizations this folder does not have): nothing is written then;</li>
 *   <li>stores the folder's server secret ({@code secret.key}: it signs image URLs and seals webhook secrets) as
 *       the cluster's ({@link ServerSecrets}), refusing a target that has another one already;</li>
 *   <li>copies the truth, every table, into PostgreSQL ({@link TruthCopy});</li>
 *   <li>copies the face images into the cluster's image store in PostgreSQL ({@link ImageCopy});</li>
 *   <li>rebuilds the SolrCloud collection from the copied truth when it does not hold as many faces as the truth
 *       (or the copy added faces), then checks it against the truth with the {@link GalleryReconciler}, which
 *       repairs what differs.</li>
 * </ol>
 * Every step is resumable, so a stopped run is finished by running it again; a run on a finished target writes
 * nothing and says so ({@link MigrationReport#nothingToDo}). Progress goes to {@code say}, line by line: counts
 * only, never an image, an embedding or a document number.
 */
public final class ClusterMigration {

  private final Path dataDir;
  private final ClusterTarget target;
  private final int batchSize;
  private final TruthCopy.Listener batchHook;
  private final Consumer<String> say;
  private final Clock clock;

  /**
   * @param batchHook told after each batch of the truth copy, besides the progress lines (a test interrupts a
   *                  migration with it)
   */
  public ClusterMigration(
      Path dataDir,
      ClusterTarget target,
      int batchSize,
      TruthCopy.Listener batchHook,
      Consumer<String> say,
      Clock clock) {
    this.dataDir = dataDir;
    this.clock = clock;
    this.target = target;
    this.batchSize = batchSize;
    this.batchHook = batchHook;
    this.say = say;
  }

  public ClusterMigration(Path dataDir, ClusterTarget target, Consumer<String> say, Clock clock) {
    this(dataDir, target, TruthCopy.DEFAULT_BATCH, (table, read, inserted) -> {}, say, clock);
  }

  /**
   * Runs the migration (see the class comment). {@link MigrationRefusedException} when it must not run; {@link
   * LockObtainFailedException} when a server holds the folder.
   */
  public MigrationReport run() throws LockObtainFailedException {
    long start = System.nanoTime();
    try (DataFolderLock lock = DataFolderLock.take(dataDir);
        EmbeddedTruth source = EmbeddedTruth.open(dataDir)) {
      Optional<String> schema = source.schemaProblem();
      if (schema.isPresent()) {
        throw new MigrationRefusedException(schema.get());
      }
      Database db = Database.postgres(target.jdbcUrl(), target.user(), target.password());
      try {
        TruthCopy copy = new TruthCopy(source, db, batchSize, this::batchCopied);
        refuseUnlessTargetFits(copy);
        shareServerSecret(db);
        List<TruthCopy.TableCopy> tables = copyTruth(copy);
        ImageCopy.Report images =
            new ImageCopy(
                    new FileImageStore(dataDir),
                    db,
                    new DatabaseImageStore(db, new FaceImages(), clock))
                .run(source, say);
        say.accept(
            "images: "
                + images.referred()
                + " referred to, "
                + images.copied()
                + " copied by this run"
                + (images.missing() == 0
                    ? ""
                    : ", " + images.missing() + " missing from the folder (not copied)"));
        TruthCopy.TableCopy faces =
            tables.stream().filter(t -> t.table().equals("faces")).findFirst().orElseThrow();
        VectorReport vectors = indexVectors(db, faces);
        MigrationReport report =
            new MigrationReport(
                tables,
                images,
                vectors.indexed(),
                vectors.check(),
                (System.nanoTime() - start) / 1_000_000);
        say.accept(report.summary());
        return report;
      } finally {
        db.close();
      }
    }
  }

  private void refuseUnlessTargetFits(TruthCopy copy) {
    List<String> uncopied = copy.uncopiedTables();
    if (!uncopied.isEmpty()) {
      throw new MigrationRefusedException(
          "this build does not know how to copy the folder's tables " + uncopied);
    }
    List<String> foreign = copy.foreignOrganizations();
    if (!foreign.isEmpty()) {
      throw new MigrationRefusedException(
          "the target database holds "
              + foreign.size()
              + " organization(s) that this data folder does not have: it belongs to another installation"
              + " (or nodes have run on it); migrate into an empty database");
    }
  }

  /**
   * Makes the folder's server secret the cluster's: stored when the target has none, accepted when it has the same,
   * refused when it has another (a node started on the target first: URLs it signed and webhook secrets sealed
   * under the folder's secret would not verify or open). A folder without one (never served) has nothing sealed.
   */
  private void shareServerSecret(Database db) {
    Path file = dataDir.resolve("secret.key");
    if (!Files.exists(file)) { // nothing was signed or sealed with one
      say.accept("secret: the folder has none; the first node makes the cluster's");
      return;
    }
    byte[] secret;
    try {
      secret = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the folder's secret.key", e);
    }
    byte[] stored =
        db.inTransaction(tx -> new ServerSecrets().createOrRead(tx, secret, clock.instant()));
    if (!Arrays.equals(secret, stored)) {
      throw new MigrationRefusedException(
          "the target database has another server secret than the folder's secret.key (a node has started on"
              + " it): migrate into an empty database");
    }
    say.accept("secret: the folder's server secret is the cluster's");
  }

  private List<TruthCopy.TableCopy> copyTruth(TruthCopy copy) {
    List<TruthCopy.TableCopy> tables = new ArrayList<>();
    for (CopiedTable table : CopiedTable.ALL) {
      TruthCopy.TableCopy done = copy.copy(table);
      say.accept(
          String.format(
              "truth: %-26s %9d rows, %9d copied by this run%s",
              done.table(),
              done.sourceRows(),
              done.inserted(),
              done.complete() ? "" : " (target holds " + done.targetRows() + ")"));
      tables.add(done);
    }
    return tables;
  }

  /** Rows read since the last progress line. */
  private long readSinceLine;

  private void batchCopied(String table, int read, int inserted) {
    readSinceLine += read;
    if (readSinceLine >= 50_000) {
      say.accept("truth: " + table + ": " + readSinceLine + " more rows read");
      readSinceLine = 0;
    }
    batchHook.batchCopied(table, read, inserted);
  }

  /** Faces (with their 2 KB embeddings) read from PostgreSQL at a time while the collection is rebuilt. */
  private static final int FACES_PER_PAGE = 1000;

  private record VectorReport(long indexed, GalleryReconciler.Report check) {}

  private VectorReport indexVectors(Database db, TruthCopy.TableCopy faces) {
    PagedFaceTruth truth = new PagedFaceTruth(db, FACES_PER_PAGE);
    try (SolrGallery gallery = SolrGallery.open(target.solr())) {
      long[] held = new long[1];
      gallery.forEachState(state -> held[0]++);
      long indexed = 0;
      if (held[0] != faces.targetRows() || faces.inserted() > 0) {
        say.accept(
            "vectors: indexing "
                + faces.targetRows()
                + " faces into Solr collection "
                + target.solr().collection()
                + " (it held "
                + held[0]
                + ")");
        gallery.rebuild(truth);
        indexed = faces.targetRows();
      }
      GalleryReconciler.Report check = new GalleryReconciler(gallery, truth).reconcile();
      say.accept(
          "vectors: checked against the truth: "
              + (check.changedNothing()
                  ? "identical"
                  : check.added()
                      + " added, "
                      + check.updated()
                      + " updated, "
                      + check.removed()
                      + " removed"));
      return new VectorReport(indexed, check);
    }
  }
}
