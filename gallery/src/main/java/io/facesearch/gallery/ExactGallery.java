package io.facesearch.gallery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.apache.lucene.util.VectorUtil;

/**
 * Brute-force exact search in memory: every search computes the dot product with every face of the tenant. It is
 * the baseline of the benchmark and the oracle of the tests; its results are exact by construction.
 *
 * <p>Faces live in parallel arrays indexed by slot (a removed face's slot is filled by the last face). Tenants are
 * compared as int ordinals on the search path. A read-write lock guards the arrays: searches share it, writes are
 * exclusive. Nothing is persisted.
 */
public final class ExactGallery implements Gallery {

    /** Best first: similarity descending, then face id ascending. Both galleries order ties this way. */
    static final Comparator<GalleryMatch> BEST_FIRST =
            Comparator.comparingDouble((GalleryMatch m) -> -m.similarity()).thenComparing(GalleryMatch::faceId);

    private final int dimensions;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> slotByFaceId = new HashMap<>();
    private final Map<String, Integer> tenantOrdinals = new HashMap<>();
    private int size;
    private float[][] vectors = new float[16][];
    private int[] tenants = new int[16];
    private byte[] flagBits = new byte[16];
    private StoredFace[] faces = new StoredFace[16];

    public ExactGallery(int dimensions) {
        this.dimensions = dimensions;
    }

    public ExactGallery() {
        this(LuceneGalleryConfig.DEFAULT_DIMENSIONS);
    }

    @Override
    public void add(StoredFace face) {
        Embeddings.requireUnit(face.embedding(), dimensions);
        lock.writeLock().lock();
        try {
            Integer existing = slotByFaceId.get(face.faceId());
            int slot;
            if (existing != null) {
                slot = existing;
            } else {
                if (size == faces.length) {
                    grow();
                }
                slot = size++;
                slotByFaceId.put(face.faceId(), slot);
            }
            put(slot, face);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void put(int slot, StoredFace face) {
        faces[slot] = face;
        vectors[slot] = face.embedding();
        tenants[slot] = tenantOrdinals.computeIfAbsent(face.applicationId(), app -> tenantOrdinals.size());
        flagBits[slot] = (byte) face.flags().bits();
    }

    private void grow() {
        int capacity = faces.length * 2;
        faces = Arrays.copyOf(faces, capacity);
        vectors = Arrays.copyOf(vectors, capacity);
        tenants = Arrays.copyOf(tenants, capacity);
        flagBits = Arrays.copyOf(flagBits, capacity);
    }

    @Override
    public boolean remove(String faceId) {
        lock.writeLock().lock();
        try {
            Integer slot = slotByFaceId.remove(faceId);
            if (slot == null) {
                return false;
            }
            int last = --size;
            if (slot != last) {
                StoredFace moved = faces[last];
                put(slot, moved);
                slotByFaceId.put(moved.faceId(), slot);
            }
            faces[last] = null;
            vectors[last] = null;
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean update(String faceId, FaceFlags flags) {
        lock.writeLock().lock();
        try {
            Integer slot = slotByFaceId.get(faceId);
            if (slot == null) {
                return false;
            }
            put(slot, faces[slot].withFlags(flags));
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<GalleryMatch> search(GalleryQuery query) {
        float[] probe = query.vector();
        Embeddings.requireUnit(probe, dimensions);
        GalleryFilter filter = query.filter();
        int k = query.k();
        lock.readLock().lock();
        try {
            Integer tenant = tenantOrdinals.get(filter.applicationId());
            if (tenant == null) {
                return List.of();
            }
            int required = FaceFlags.SEARCHABLE;
            // Bounded min-heap of the best k slots: heapScores[0] is the worst kept similarity.
            float[] heapScores = new float[k];
            int[] heapSlots = new int[k];
            int heapSize = 0;
            for (int slot = 0; slot < size; slot++) {
                int bits = flagBits[slot];
                if (tenants[slot] != tenant || (bits & required) == 0) {
                    continue;
                }
                if (filter.scope() != GalleryFilter.Scope.SEARCHABLE
                        && !filter.scope().accepts(FaceFlags.fromBits(bits), faces[slot].source())) {
                    continue;
                }
                if (!filter.excludedSources().isEmpty() && filter.excludedSources().contains(faces[slot].source())) {
                    continue;
                }
                if (!faces[slot].modelId().equals(query.modelId())) {
                    continue;
                }
                float similarity = VectorUtil.dotProduct(probe, vectors[slot]);
                if (similarity < query.minSimilarity()) {
                    continue;
                }
                if (heapSize < k) {
                    heapScores[heapSize] = similarity;
                    heapSlots[heapSize] = slot;
                    siftUp(heapScores, heapSlots, heapSize++);
                } else if (isBetter(similarity, slot, heapScores[0], heapSlots[0])) {
                    heapScores[0] = similarity;
                    heapSlots[0] = slot;
                    siftDown(heapScores, heapSlots, heapSize);
                }
            }
            List<GalleryMatch> matches = new ArrayList<>(heapSize);
            for (int i = 0; i < heapSize; i++) {
                StoredFace face = faces[heapSlots[i]];
                matches.add(new GalleryMatch(face.faceId(), face.sessionId(), heapScores[i], face.source(),
                        face.blocklisted(), face.allowlisted()));
            }
            matches.sort(BEST_FIRST);
            return matches;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether (similarity, slot) ranks above (otherSimilarity, otherSlot): ties go to the smaller face id. */
    private boolean isBetter(float similarity, int slot, float otherSimilarity, int otherSlot) {
        if (similarity != otherSimilarity) {
            return similarity > otherSimilarity;
        }
        return faces[slot].faceId().compareTo(faces[otherSlot].faceId()) < 0;
    }

    private void siftUp(float[] scores, int[] slots, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!isBetter(scores[parent], slots[parent], scores[i], slots[i])) {
                break;
            }
            swap(scores, slots, i, parent);
            i = parent;
        }
    }

    private void siftDown(float[] scores, int[] slots, int heapSize) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            if (left >= heapSize) {
                break;
            }
            int right = left + 1;
            int worst = right < heapSize && isBetter(scores[left], slots[left], scores[right], slots[right])
                    ? right
                    : left;
            if (!isBetter(scores[i], slots[i], scores[worst], slots[worst])) {
                break;
            }
            swap(scores, slots, i, worst);
            i = worst;
        }
    }

    private static void swap(float[] scores, int[] slots, int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int t = slots[a];
        slots[a] = slots[b];
        slots[b] = t;
    }

    @Override
    public long count(String applicationId) {
        lock.readLock().lock();
        try {
            Integer tenant = tenantOrdinals.get(applicationId);
            if (tenant == null) {
                return 0;
            }
            long count = 0;
            for (int slot = 0; slot < size; slot++) {
                if (tenants[slot] == tenant) {
                    count++;
                }
            }
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long count(GalleryFilter filter) {
        lock.readLock().lock();
        try {
            long count = 0;
            for (int slot = 0; slot < size; slot++) {
                StoredFace face = faces[slot];
                if (filter.accepts(face.applicationId(), face.source(), FaceFlags.fromBits(flagBits[slot]))) {
                    count++;
                }
            }
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void forEachState(Consumer<FaceState> action) {
        lock.readLock().lock();
        try {
            for (int slot = 0; slot < size; slot++) {
                action.accept(faces[slot].state());
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** All faces, all tenants. */
    public int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void rebuild(GalleryTruth truth) {
        lock.writeLock().lock();
        try {
            Arrays.fill(faces, null);
            Arrays.fill(vectors, null);
            slotByFaceId.clear();
            size = 0;
            truth.forEachFace(this::add); // re-entrant: add takes the write lock this thread holds
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {}
}
