package io.facesearch.gallery;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where enrolled faces live and where every 1:N face search looks.
 *
 * <p>Embeddings are L2-normalised float vectors; similarity is cosine, i.e. the dot product. Implementations are
 * thread-safe: searches run in parallel with each other and with writes, and every write is visible to any search
 * that starts after the write returned (read-your-writes). The gallery is an index, not the system of record: the
 * durable truth is a {@link GalleryTruth}, from which a gallery can always be {@link #rebuild rebuilt}.
 */
public interface Gallery extends AutoCloseable {

    /** Adds a face, or replaces the face with the same id. */
    void add(StoredFace face);

    /** Removes a face; returns false when no face has this id. */
    boolean remove(String faceId);

    /** Sets the flags of an existing face; returns false when no face has this id. */
    boolean update(String faceId, FaceFlags flags);

    /** The best matches, best first: at most {@code query.k()}, each at least {@code query.minSimilarity()}. */
    List<GalleryMatch> search(GalleryQuery query);

    /** The number of faces of a tenant, searchable or not. */
    long count(String applicationId);

    /** The number of faces a search with this filter compares against (its candidates). */
    long count(GalleryFilter filter);

    /** Calls {@code action} with the state of every face the gallery holds, all tenants, in any order. */
    void forEachState(Consumer<FaceState> action);

    /** Replaces the whole content by the truth's faces. Writes wait while a rebuild runs; searches do not. */
    void rebuild(GalleryTruth truth);

    /**
     * Makes removed faces physically gone from storage (an index may keep deleted entries until a merge).
     * Costs a rewrite of what holds them; called after erasures, not after every one. False when some removed
     * faces may still be in storage (try again later).
     */
    default boolean purgeRemoved() {
        return true;
    }

    /** Makes every acknowledged write durable in storage now (an index may otherwise batch its commits). */
    default void commit() {}

    @Override
    void close();
}
