package io.facesearch.migration;

import io.facesearch.images.ImageStore;
import io.facesearch.store.Database;
import io.facesearch.store.EmbeddedTruth;
import io.facesearch.store.FaceImagePresence;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Copies the face images an embedded data folder's truth refers to (its {@code images/} folder, a {@link
 * io.facesearch.images.FileImageStore}) into the cluster's image store (a {@link
 * io.facesearch.images.DatabaseImageStore}), one transaction per image. Resumable: an image the target holds
 * already is skipped. Images are copied as stored bytes, never decoded or printed.
 */
public final class ImageCopy {

  /** Images the truth refers to, images copied by this run, and referred images with no file in the folder. */
  public record Report(long referred, long copied, long missing) {}

  private final ImageStore source;
  private final Database targetDb;
  private final ImageStore target;
  private final FaceImagePresence presence = new FaceImagePresence();

  ImageCopy(ImageStore source, Database targetDb, ImageStore target) {
    this.source = source;
    this.targetDb = targetDb;
    this.target = target;
  }

  Report run(EmbeddedTruth truth, Consumer<String> say) {
    long[] referred = new long[1];
    long[] copied = new long[1];
    long[] missing = new long[1];
    truth.forEachImage(
        ref -> {
          referred[0]++;
          if (targetDb.read(tx -> presence.has(tx, ref.applicationId(), ref.imageId()))) {
            return;
          }
          Optional<byte[]> jpeg = source.read(ref.applicationId(), ref.imageId());
          if (jpeg.isEmpty()) {
            missing[0]++;
            return;
          }
          targetDb.inTransaction(
              tx -> target.save(tx, ref.applicationId(), ref.imageId(), jpeg.get()));
          copied[0]++;
          if (copied[0] % 1000 == 0) {
            say.accept("images: " + copied[0] + " copied");
          }
        });
    return new Report(referred[0], copied[0], missing[0]);
  }
}
