package io.facesearch.enrollment;

import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.StoredFace;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.images.ImageStore;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.store.Database;
import io.facesearch.store.Faces;
import io.facesearch.store.ListEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-embeds the stored faces whose model is not the pipeline's, from their stored images, through the enrollment
 * owner (truth, then gallery). Each face is committed on its own, so an interrupted run resumes where it stopped: a
 * rerun sees only the faces still of another model.
 *
 * <p>Where the image comes from: the face's session's image (in the {@link ImageStore}: {@code
 * <data>/images/<app>/<session>.jpg}, or PostgreSQL in cluster mode; stored upright as JPEG, so the new vector is of the re-encoded photo, not of the original upload), or a face-list entry's
 * uploaded image. An entry copied from a session has no image of its own and uses the image of the session it was
 * copied from while that still exists. A face with no image left (erased, or copied from a session erased since) cannot be re-embedded: it
 * is reported, and removed only when the operator asks for it ({@code removeWithoutImage}); its session or list
 * entry stays, without a face (it then matches nothing; re-add the person with a new photo).
 */
public final class Reembedding {

  /** What a run did; {@code withoutImage} lists the faces (face id, session id) that had no image. */
  public record Report(int reembedded, int removed, List<String> withoutImage) {}

  private final Database db;
  private final Faces faces;
  private final ListEntries lists;
  private final ImageStore images;
  private final Enrollments enrollments;
  private final FacePipeline pipeline;

  public Reembedding(
      Database db,
      Faces faces,
      ListEntries lists,
      ImageStore images,
      Enrollments enrollments,
      FacePipeline pipeline) {
    this.db = db;
    this.faces = faces;
    this.lists = lists;
    this.images = images;
    this.enrollments = enrollments;
    this.pipeline = pipeline;
  }

  /** The number of faces of another model than the pipeline's. */
  public int stale() {
    return db.read(tx -> faces.idsNotOfModel(tx, pipeline.embeddingModelId())).size();
  }

  public Report run(boolean removeWithoutImage) {
    String modelId = pipeline.embeddingModelId();
    List<String> ids = db.read(tx -> faces.idsNotOfModel(tx, modelId));
    int reembedded = 0;
    int removed = 0;
    List<String> withoutImage = new ArrayList<>();
    for (String id : ids) {
      Optional<StoredFace> face = db.read(tx -> faces.find(tx, id));
      if (face.isEmpty()) {
        continue; // erased meanwhile
      }
      Optional<float[]> vector = image(face.get()).flatMap(this::embed);
      if (vector.isPresent()) {
        enrollments.inTransaction(tx -> enrollments.reembed(tx, id, modelId, vector.get()));
        reembedded++;
      } else if (removeWithoutImage) {
        enrollments.inTransaction(
            tx -> {
              enrollments.remove(tx, id);
              return null;
            });
        removed++;
      } else {
        withoutImage.add(
            id + " (owner " + face.get().ownerId() + ", " + face.get().source().wireName() + ")");
      }
    }
    return new Report(reembedded, removed, withoutImage);
  }

  private Optional<byte[]> image(StoredFace f) {
    if (f.source() != FaceSource.LIST_ENTRY) {
      return images.read(f.applicationId(), f.ownerId());
    }
    return db.read(tx -> lists.imageIdOf(tx, f.ownerId()))
        .flatMap(id -> images.read(f.applicationId(), id));
  }

  /** The largest face's vector (as at enrollment) of an upright stored image; empty when none is found any more. */
  private Optional<float[]> embed(byte[] jpeg) {
    try {
      BgrImage image = new ImageDecoder().decode(jpeg);
      Analysis analysis = pipeline.analyze(image, false);
      if (!analysis.hasFace()) {
        return Optional.empty();
      }
      Face largest = analysis.largestFace();
      return Optional.of(largest.embedding().vector());
    } catch (ImageRejectedException e) {
      return Optional.empty();
    }
  }
}
