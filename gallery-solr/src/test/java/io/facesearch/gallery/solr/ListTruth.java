package io.facesearch.gallery.solr;

import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** A {@link GalleryTruth} over a fixed list of faces, standing in for the SQL table. */
record ListTruth(List<StoredFace> faces) implements GalleryTruth {

  @Override
  public void forEachFaceState(Consumer<FaceState> action) {
    faces.forEach(face -> action.accept(face.state()));
  }

  @Override
  public void forEachFace(Consumer<StoredFace> action) {
    faces.forEach(action);
  }

  @Override
  public void forEachFace(Collection<String> faceIds, Consumer<StoredFace> action) {
    Set<String> wanted = new HashSet<>(faceIds);
    for (StoredFace face : faces) {
      if (wanted.contains(face.faceId())) {
        action.accept(face);
      }
    }
  }
}
