package io.facesearch.migration;

import io.facesearch.gallery.GalleryReconciler;
import io.facesearch.store.TruthCopy;
import java.util.List;

/**
 * What a migration did.
 *
 * @param tables       per table of the truth: rows in the folder, rows copied by this run, rows in the target
 * @param images       images referred to, copied by this run, missing from the folder
 * @param facesIndexed faces written into Solr by a rebuild in this run (0: the collection already matched)
 * @param check        what the reconciler repaired after the rebuild (nothing, when all went well)
 * @param millis       the run's duration
 */
public record MigrationReport(
    List<TruthCopy.TableCopy> tables,
    ImageCopy.Report images,
    long facesIndexed,
    GalleryReconciler.Report check,
    long millis) {

  public MigrationReport {
    tables = List.copyOf(tables);
  }

  /** Rows copied by this run, all tables. */
  public long rowsCopied() {
    return tables.stream().mapToLong(TruthCopy.TableCopy::inserted).sum();
  }

  /** Rows of the folder, all tables. */
  public long sourceRows() {
    return tables.stream().mapToLong(TruthCopy.TableCopy::sourceRows).sum();
  }

  /** True when the target held everything already: this run wrote nothing. */
  public boolean nothingToDo() {
    return rowsCopied() == 0 && images.copied() == 0 && facesIndexed == 0 && check.changedNothing();
  }

  /** True when every table of the target holds as many rows as the folder's. */
  public boolean complete() {
    return tables.stream().allMatch(TruthCopy.TableCopy::complete);
  }

  /** The final line of the command. */
  public String summary() {
    if (nothingToDo()) {
      return "already migrated: the target holds all "
          + sourceRows()
          + " rows and the faces; nothing to do";
    }
    return String.format(
        "migrated: %d rows in %d tables (%d copied by this run), %d images copied, %d faces indexed%s, in %.1f s",
        sourceRows(),
        tables.size(),
        rowsCopied(),
        images.copied(),
        facesIndexed,
        complete() ? "" : "; SOME TABLES DIFFER (see above)",
        millis / 1000.0);
  }
}
