package io.facesearch.gallery;

import java.util.Collection;
import java.util.function.Consumer;

/**
 * The durable source of truth for enrolled faces (a SQL table in the server). A {@link GalleryReconciler} repairs a
 * gallery against it; a gallery is rebuilt from it. Implementations stream: they must not need all faces in memory
 * at once.
 */
public interface GalleryTruth {

  /** Calls {@code action} with the state of every face (no embeddings): the cheap scan used to check an index. */
  void forEachFaceState(Consumer<FaceState> action);

  /** Calls {@code action} with every face, in any order. */
  void forEachFace(Consumer<StoredFace> action);

  /** Calls {@code action} with each of these faces that exists, in any order. */
  void forEachFace(Collection<String> faceIds, Consumer<StoredFace> action);
}
