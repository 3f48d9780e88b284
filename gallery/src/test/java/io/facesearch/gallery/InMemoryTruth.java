package io.facesearch.gallery;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** A {@link GalleryTruth} in a map, standing in for the SQL table. */
final class InMemoryTruth implements GalleryTruth {

  private final Map<String, StoredFace> faces = new LinkedHashMap<>();

  synchronized void put(StoredFace face) {
    faces.put(face.faceId(), face);
  }

  synchronized void remove(String faceId) {
    faces.remove(faceId);
  }

  synchronized StoredFace get(String faceId) {
    return faces.get(faceId);
  }

  synchronized int size() {
    return faces.size();
  }

  @Override
  public synchronized void forEachFaceState(Consumer<FaceState> action) {
    faces.values().forEach(face -> action.accept(face.state()));
  }

  @Override
  public synchronized void forEachFace(Consumer<StoredFace> action) {
    faces.values().forEach(action);
  }

  @Override
  public synchronized void forEachFace(Collection<String> faceIds, Consumer<StoredFace> action) {
    for (String id : faceIds) {
      StoredFace face = faces.get(id);
      if (face != null) {
        action.accept(face);
      }
    }
  }
}
