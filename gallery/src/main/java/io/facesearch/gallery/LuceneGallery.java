package io.facesearch.gallery;

import io.facesearch.gallery.sketch.SketchScanVectorsFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded gallery: one Lucene index in a directory. A search finds candidates with the index's vectors format
 * (by default {@link SketchScanVectorsFormat}: a scan of every face's 1-bit sketch, scored at last from an in-memory
 * 12-bit copy of every vector; optionally Lucene's HNSW graph, whose candidates are re-scored with the float vectors).
 * The persisted layout is described in {@link GalleryIndexLayout}.
 *
 * <h2>Search</h2>
 * A search is a {@link KnnFloatVectorQuery} for {@link LuceneGalleryConfig#searchCandidates()} candidates whose
 * filter is the tenant's scope term, so the tenant is applied inside the vector search, not after it (the filter is
 * dropped only when it provably matches every document: one tenant, everything searchable). Per segment, Lucene
 * scores the filtered documents exactly when the filter matches no more documents than candidates requested;
 * otherwise the vectors format collects the candidates by its estimate (the sketch scan visits only the documents
 * the filter accepts). The sketch scan's scores are the similarities reported: within
 * {@link SketchScanVectorsFormat#fineScoreError} of the float32 dot product, computed in memory; only the few hits
 * whose score cannot tell on which side of the k-th best or of {@code minSimilarity} they are are re-scored with the
 * stored float vectors ({@link #onABoundary}), so which faces match, and which are the best k, is decided by the
 * exact similarity. HNSW's candidates are all re-scored with the float vectors. The best {@code k} at or above
 * {@code minSimilarity} are returned.
 *
 * <h2>Concurrency and visibility</h2>
 * Searches take no lock: each acquires the current point-in-time searcher from a {@link SearcherManager}. Every write
 * refreshes it ({@link SearcherManager#maybeRefreshBlocking()}) before returning, so an acknowledged write is seen
 * by every later search. Writes to the same face id are serialised by a striped lock so that an update cannot
 * resurrect a face removed concurrently; {@link #rebuild} and the repair on open exclude writes.
 *
 * <h2>Durability</h2>
 * Writes are committed in the background every {@link LuceneGalleryConfig#commitInterval()} and on close. The
 * truth is durable first; whatever a crash loses between the two is repaired by {@link #open} from the truth.
 */
public final class LuceneGallery implements Gallery {

    private static final Logger log = LoggerFactory.getLogger(LuceneGallery.class);
    private static final int FACE_LOCK_STRIPES = 64;

    private final Path path;
    private final LuceneGalleryConfig config;
    private final Directory directory;
    private final ExecutorService mergeExecutor;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ScheduledExecutorService committer;
    /** Read lock: one write. Write lock: rebuild or repair, which must see no concurrent write. */
    private final ReentrantReadWriteLock writesLock = new ReentrantReadWriteLock();
    private final ReentrantLock[] faceLocks = new ReentrantLock[FACE_LOCK_STRIPES];
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Per segment core: what its matches return, read when a searcher first opens the segment. */
    private final Map<IndexReader.CacheKey, SegmentMatches> segmentMatches = new ConcurrentHashMap<>();
    private volatile RepairReport lastRepair;

    private LuceneGallery(Path path, LuceneGalleryConfig config, boolean create) throws IOException {
        this.path = path;
        this.config = config;
        for (int i = 0; i < faceLocks.length; i++) {
            faceLocks[i] = new ReentrantLock();
        }
        this.directory = FSDirectory.open(path);
        this.mergeExecutor = config.mergeWorkers() > 1
                ? Executors.newFixedThreadPool(config.mergeWorkers(), daemonThreads("gallery-merge"))
                : null;
        IndexWriter openedWriter = null;
        try {
            openedWriter = new IndexWriter(directory, writerConfig(config, mergeExecutor, create));
            openedWriter.setLiveCommitData(GalleryIndexLayout.commitUserData(config.dimensions(),
                    config.vectorsDescription()).entrySet());
            this.searchers = new SearcherManager(openedWriter, new SearcherFactory() {
                @Override
                public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) throws IOException {
                    for (LeafReaderContext leaf : reader.leaves()) {
                        matchesOf(leaf.reader());
                    }
                    return super.newSearcher(reader, previous);
                }
            });
        } catch (IOException | RuntimeException e) {
            if (openedWriter != null) {
                try {
                    openedWriter.rollback(); // releases the write lock, writes nothing
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            closeQuietly();
            throw e;
        }
        this.writer = openedWriter;
        this.committer = Executors.newSingleThreadScheduledExecutor(daemonThreads("gallery-commit"));
        long intervalMs = Math.max(1, config.commitInterval().toMillis());
        committer.scheduleWithFixedDelay(this::commitIfChanged, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Opens the gallery in {@code path} with the default configuration; see {@link #open(Path, GalleryTruth, LuceneGalleryConfig)}. */
    public static LuceneGallery open(Path path, GalleryTruth truth) {
        return open(path, truth, LuceneGalleryConfig.defaults());
    }

    /**
     * Opens (or creates) the gallery index in {@code path} and makes it agree with {@code truth}: an index of an
     * older layout, other dimensions or vectors format, or with a file that Lucene cannot read or that fails its
     * checksum, is rebuilt; otherwise faces missing from the index
     * are added, faces the truth no longer has are deleted and faces whose flags or model differ are re-indexed.
     *
     * @throws IllegalStateException if the index was written with a newer layout version
     */
    public static LuceneGallery open(Path path, GalleryTruth truth, LuceneGalleryConfig config) {
        try {
            Files.createDirectories(path);
            String rebuildReason;
            try (Directory dir = FSDirectory.open(path)) {
                rebuildReason = DirectoryReader.indexExists(dir)
                        ? GalleryIndexLayout.staleReason(SegmentInfos.readLatestCommit(dir).getUserData(),
                                config.dimensions(), config.vectorsDescription())
                        : "there is no index yet";
            } catch (IndexFormatTooOldException | IndexFormatTooNewException | CorruptIndexException e) {
                rebuildReason = "Lucene cannot read the index (" + e.getMessage() + ")";
            }
            LuceneGallery gallery;
            try {
                gallery = new LuceneGallery(path, config, rebuildReason != null);
            } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
                // A segment fails its checksum or format check when the reader opens it: the truth has everything.
                rebuildReason = "a segment cannot be read (" + e.getMessage() + ")";
                gallery = new LuceneGallery(path, config, true);
            }
            try {
                if (rebuildReason != null) {
                    log.info("gallery {}: rebuilding from the truth because {}", path, rebuildReason);
                    gallery.rebuild(truth);
                } else {
                    gallery.repair(truth);
                }
            } catch (RuntimeException e) {
                gallery.close();
                throw e;
            }
            return gallery;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open gallery index " + path, e);
        }
    }

    private static IndexWriterConfig writerConfig(
            LuceneGalleryConfig config, ExecutorService mergeExecutor, boolean create) {
        KnnVectorsFormat vectors = config.vectorsFormat(mergeExecutor);
        IndexWriterConfig iwc = new IndexWriterConfig();
        iwc.setOpenMode(create ? IndexWriterConfig.OpenMode.CREATE : IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        iwc.setCodec(new Lucene103Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return vectors;
            }
        });
        iwc.setRAMBufferSizeMB(config.ramBufferMb());
        TieredMergePolicy mergePolicy = new TieredMergePolicy();
        mergePolicy.setNoCFSRatio(0.0); // plain files: few fields, and sizes per file type stay measurable
        mergePolicy.setForceMergeDeletesPctAllowed(0.0); // purgeRemoved rewrites a segment with any deletion
        iwc.setMergePolicy(mergePolicy);
        iwc.setUseCompoundFile(false);
        iwc.setCommitOnClose(true);
        // A refresh after a write must not wait for merges of the tiny segments it flushes.
        iwc.setMaxFullFlushMergeWaitMillis(0);
        return iwc;
    }

    public Path path() {
        return path;
    }

    public LuceneGalleryConfig config() {
        return config;
    }

    @Override
    public void add(StoredFace face) {
        Embeddings.requireUnit(face.embedding(), config.dimensions());
        ReentrantLock faceLock = lockFace(face.faceId());
        try {
            writer.updateDocument(GalleryIndexLayout.faceIdTerm(face.faceId()), GalleryIndexLayout.toDocument(face));
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            unlock(faceLock);
        }
    }

    @Override
    public boolean remove(String faceId) {
        ReentrantLock faceLock = lockFace(faceId);
        try {
            Term term = GalleryIndexLayout.faceIdTerm(faceId);
            IndexSearcher searcher = acquire();
            boolean exists;
            try {
                exists = searcher.count(new TermQuery(term)) > 0;
            } finally {
                searchers.release(searcher);
            }
            if (exists) {
                writer.deleteDocuments(term);
                searchers.maybeRefreshBlocking();
            }
            return exists;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            unlock(faceLock);
        }
    }

    @Override
    public boolean update(String faceId, FaceFlags flags) {
        ReentrantLock faceLock = lockFace(faceId);
        try {
            Term term = GalleryIndexLayout.faceIdTerm(faceId);
            StoredFace current;
            IndexSearcher searcher = acquire();
            try {
                TopDocs hit = searcher.search(new TermQuery(term), 1);
                if (hit.scoreDocs.length == 0) {
                    return false;
                }
                int doc = hit.scoreDocs[0].doc;
                List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                current = GalleryIndexLayout.readFace(leaf.reader(), doc - leaf.docBase);
            } finally {
                searchers.release(searcher);
            }
            if (!current.flags().equals(flags)) {
                // Flags are filter terms, so the document is re-indexed (a doc-values update could not change them).
                writer.updateDocument(term, GalleryIndexLayout.toDocument(current.withFlags(flags)));
                searchers.maybeRefreshBlocking();
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            unlock(faceLock);
        }
    }

    @Override
    public List<GalleryMatch> search(GalleryQuery query) {
        return search(query, config.searchCandidates());
    }

    /**
     * Searches with {@code candidates} (the sketch scan's candidates re-scored with byte vectors, or HNSW
     * {@code ef}; at least {@code k}) instead of the configured number; used to measure the recall and latency
     * trade-off without reopening the index.
     */
    public List<GalleryMatch> search(GalleryQuery query, int candidates) {
        float[] probe = query.vector();
        Embeddings.requireUnit(probe, config.dimensions());
        int considered = Math.max(query.k(), candidates);
        int collected = config.collected(query.k(), considered);
        IndexSearcher searcher = acquire();
        try {
            KnnFloatVectorQuery knn = new KnnFloatVectorQuery(GalleryIndexLayout.EMBEDDING, probe, collected,
                    filterFor(searcher, query.filter()), config.searchStrategy(considered));
            ScoreDoc[] hits = searcher.search(knn, collected).scoreDocs; // best first
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            int[] docs = docsOf(hits);
            float[] similarities = similaritiesOf(hits);
            int[] rescored = config.index() == LuceneGalleryConfig.Index.SKETCH_SCAN
                    ? onABoundary(similarities, query.k(), query.minSimilarity(),
                            SketchScanVectorsFormat.fineScoreError(config.dimensions()))
                    : allPositions(hits.length);
            rescore(leaves, docs, rescored, probe, similarities);
            return best(leaves, docs, similarities, query);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    private static int[] docsOf(ScoreDoc[] hits) {
        int[] docs = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
            docs[i] = hits[i].doc;
        }
        return docs;
    }

    /** The similarities of hits scored by Lucene's DOT_PRODUCT similarity, {@code (1 + similarity) / 2}. */
    private static float[] similaritiesOf(ScoreDoc[] hits) {
        float[] similarities = new float[hits.length];
        for (int i = 0; i < hits.length; i++) {
            similarities[i] = 2f * hits[i].score - 1f;
        }
        return similarities;
    }

    /**
     * The Lucene filter of a search, or null when the scope term is on every document of every segment (one tenant,
     * all faces searchable, no source excluded). Lucene materialises a filter as a bit set of all documents of a
     * segment on every search, which at a million faces costs about as much as the graph search itself.
     */
    private static Query filterFor(IndexSearcher searcher, GalleryFilter filter) throws IOException {
        if (filter.excludedSources().isEmpty()) {
            Term scope = GalleryIndexLayout.scopeTerm(filter);
            boolean everyDocument = true;
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                // docFreq counts deleted documents too: equal to maxDoc means every live document has the term.
                if (leaf.reader().docFreq(scope) != leaf.reader().maxDoc()) {
                    everyDocument = false;
                    break;
                }
            }
            if (everyDocument) {
                return null;
            }
        }
        return GalleryIndexLayout.filterQuery(filter);
    }

    /**
     * The positions of the sketch scan's hits (best first, scored within
     * {@link SketchScanVectorsFormat#fineScoreError} {@code E} of their exact similarity) whose score cannot tell on
     * which side of a boundary they are: within {@code E} of the minimum similarity, or, when there are more than k
     * hits, within {@code 2E} of the k-th best score. A hit scored more than {@code 2E} above the k-th is among the
     * exact best k, one more than {@code 2E} below is not, so re-scoring these few with the float vectors makes which
     * hits are among the best k, and which reach the minimum, those of the exact similarity. When the k-th is alone
     * within {@code 2E} of its score, it is among the best k too and nothing there is re-scored (measured on the 1M
     * benchmark at k = 10: 1.9 hits per search within 0.001 of the k-th, the k-th included).
     */
    private static int[] onABoundary(float[] similarities, int k, float minSimilarity, float error) {
        float kth = similarities.length > k ? similarities[k - 1] : Float.NaN;
        int nearTheKth = 0;
        for (float s : similarities) {
            if (Math.abs(s - kth) <= 2 * error) { // false for NaN
                nearTheKth++;
            }
        }
        boolean kthInDoubt = nearTheKth > 1;
        int[] positions = new int[similarities.length];
        int n = 0;
        for (int i = 0; i < similarities.length; i++) {
            float s = similarities[i];
            if (Math.abs(s - minSimilarity) <= error || (kthInDoubt && Math.abs(s - kth) <= 2 * error)) {
                positions[n++] = i;
            }
        }
        return Arrays.copyOf(positions, n);
    }

    private static int[] allPositions(int n) {
        int[] positions = new int[n];
        Arrays.setAll(positions, i -> i);
        return positions;
    }

    /**
     * Replaces {@code similarities[i]}, for each of {@code positions}, by the float32 dot product of the probe and
     * document {@code docs[i]}'s stored vector.
     */
    private static void rescore(List<LeafReaderContext> leaves, int[] docs, int[] positions, float[] probe,
            float[] similarities) throws IOException {
        // Read the float vectors in doc order: vector iterators only move forward.
        long[] byDoc = new long[positions.length];
        for (int j = 0; j < positions.length; j++) {
            byDoc[j] = ((long) docs[positions[j]] << 32) | positions[j];
        }
        Arrays.sort(byDoc);
        LeafReaderContext leaf = null;
        FloatVectorValues vectors = null;
        KnnVectorValues.DocIndexIterator iterator = null;
        for (long key : byDoc) {
            int doc = (int) (key >>> 32);
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                vectors = leaf.reader().getFloatVectorValues(GalleryIndexLayout.EMBEDDING);
                iterator = vectors.iterator();
            }
            int local = doc - leaf.docBase;
            if (iterator.docID() > local || iterator.advance(local) != local) {
                throw new IllegalStateException("candidate " + doc + " has no embedding");
            }
            similarities[(int) key] = VectorUtil.dotProduct(probe, vectors.vectorValue(iterator.index()));
        }
    }

    /**
     * The matches of the best {@code k} of the documents {@code docs} at or above the minimum similarity, best
     * first. Ties are broken by face id, as in {@link ExactGallery}.
     */
    private List<GalleryMatch> best(List<LeafReaderContext> leaves, int[] docs, float[] similarities,
            GalleryQuery query) throws IOException {
        int n = docs.length;
        // Order candidate positions by similarity, best first.
        int kept = 0;
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            if (similarities[i] >= query.minSimilarity()) {
                keyed[kept++] = sortKeyDescending(similarities[i], i);
            }
        }
        Arrays.sort(keyed, 0, kept);
        int take = Math.min(query.k(), kept);
        // Include every candidate tied with the last one taken, so that ties are broken by face id.
        while (take < kept && similarities[(int) keyed[take]] == similarities[(int) keyed[take - 1]]) {
            take++;
        }
        List<GalleryMatch> matches = new ArrayList<>(take);
        for (int j = 0; j < take; j++) {
            int i = (int) keyed[j];
            matches.add(match(leaves, docs[i], similarities[i]));
        }
        if (take > query.k()) {
            matches.sort(ExactGallery.BEST_FIRST);
            return List.copyOf(matches.subList(0, query.k()));
        }
        return matches;
    }

    /** A long that sorts ascending by similarity descending, carrying the candidate position in its low bits. */
    private static long sortKeyDescending(float similarity, int position) {
        int bits = Float.floatToIntBits(similarity);
        int ordered = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // monotone int image of the float
        return ((long) ~ordered << 32) | position;
    }

    private GalleryMatch match(List<LeafReaderContext> leaves, int doc, float similarity) throws IOException {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        SegmentMatches matches = matchesOf(leaf.reader());
        return matches != null
                ? matches.match(doc - leaf.docBase, similarity)
                : SegmentMatches.readOne(leaf.reader(), doc - leaf.docBase, similarity);
    }

    /**
     * The segment's {@link SegmentMatches}, read on first use and dropped when the segment's core closes; null for
     * a reader without a core to key them on (not a plain segment).
     */
    private SegmentMatches matchesOf(LeafReader reader) throws IOException {
        IndexReader.CacheHelper core = reader.getCoreCacheHelper();
        if (core == null) {
            return null;
        }
        SegmentMatches cached = segmentMatches.get(core.getKey());
        if (cached == null) {
            cached = SegmentMatches.read(reader);
            if (segmentMatches.putIfAbsent(core.getKey(), cached) == null) {
                core.addClosedListener(segmentMatches::remove);
            }
        }
        return cached;
    }

    @Override
    public long count(String applicationId) {
        IndexSearcher searcher = acquire();
        try {
            return searcher.count(new TermQuery(GalleryIndexLayout.tenantTerm(applicationId)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public long count(GalleryFilter filter) {
        IndexSearcher searcher = acquire();
        try {
            return searcher.count(GalleryIndexLayout.filterQuery(filter));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    /** All faces, all tenants. */
    public long size() {
        IndexSearcher searcher = acquire();
        try {
            return searcher.getIndexReader().numDocs();
        } finally {
            release(searcher);
        }
    }

    @Override
    public void rebuild(GalleryTruth truth) {
        writesLock.writeLock().lock();
        try {
            long start = System.nanoTime();
            writer.deleteAll();
            long faces;
            try (BulkIndexer indexer = new BulkIndexer(writer, config.indexingThreads(), config.dimensions(), false)) {
                truth.forEachFace(indexer::add);
                faces = indexer.finish();
            }
            if (config.mergeAfterRebuild()) {
                writer.forceMerge(1);
            }
            writer.commit();
            searchers.maybeRefreshBlocking();
            log.info("gallery {}: rebuilt {} faces in {} ms", path, faces, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writesLock.writeLock().unlock();
        }
    }

    /** The outcome of {@link #repair}: how the index differed from the truth. */
    record RepairReport(long indexed, long truth, long added, long reindexed, long deleted) {}

    /** Makes the index agree with the truth (see {@link #open(Path, GalleryTruth, LuceneGalleryConfig)}). */
    RepairReport repair(GalleryTruth truth) {
        writesLock.writeLock().lock();
        try {
            long start = System.nanoTime();
            Map<String, IndexedFace> indexed = new HashMap<>();
            Set<String> duplicated = new HashSet<>();
            readIndexedFaces(indexed, duplicated);
            long indexedCount = indexed.size() + duplicated.size();
            List<String> toLoad = new ArrayList<>(duplicated);
            long[] counts = new long[3]; // truth, missing, stale
            truth.forEachFaceState(state -> {
                counts[0]++;
                IndexedFace face = indexed.remove(state.faceId());
                if (face == null) {
                    if (!duplicated.contains(state.faceId())) {
                        counts[1]++;
                        toLoad.add(state.faceId());
                    }
                } else if (face.flagBits() != state.flags().bits() || !face.modelId().equals(state.modelId())) {
                    counts[2]++;
                    toLoad.add(state.faceId());
                }
            });
            // What is left in `indexed` and every duplicated id that the truth lacks is extra.
            List<Term> extra = new ArrayList<>(indexed.size() + duplicated.size());
            for (String faceId : indexed.keySet()) {
                extra.add(GalleryIndexLayout.faceIdTerm(faceId));
            }
            for (String faceId : duplicated) {
                extra.add(GalleryIndexLayout.faceIdTerm(faceId)); // re-added below if the truth has it
            }
            for (int from = 0; from < extra.size(); from += 1024) {
                List<Term> batch = extra.subList(from, Math.min(extra.size(), from + 1024));
                writer.deleteDocuments(batch.toArray(Term[]::new));
            }
            if (!toLoad.isEmpty()) {
                try (BulkIndexer indexer = new BulkIndexer(writer, config.indexingThreads(), config.dimensions(), true)) {
                    truth.forEachFace(toLoad, indexer::add);
                    indexer.finish();
                }
            }
            if (writer.hasUncommittedChanges()) {
                writer.commit();
            }
            searchers.maybeRefreshBlocking();
            RepairReport report = new RepairReport(indexedCount, counts[0], counts[1], counts[2], indexed.size());
            lastRepair = report;
            log.info("gallery {}: checked against the truth in {} ms: indexed={} truth={} added={} reindexed={} "
                            + "deleted={}", path, (System.nanoTime() - start) / 1_000_000, report.indexed(),
                    report.truth(), report.added(), report.reindexed(), report.deleted());
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writesLock.writeLock().unlock();
        }
    }

    /** The outcome of the last repair, null if there was none (e.g. the index was rebuilt). */
    RepairReport lastRepair() {
        return lastRepair;
    }

    private record IndexedFace(int flagBits, String modelId) {}

    @Override
    public void forEachState(Consumer<FaceState> action) {
        Map<String, IndexedFace> indexed = new HashMap<>();
        Set<String> duplicated = new HashSet<>();
        try {
            readIndexedFaces(indexed, duplicated);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        indexed.forEach((faceId, face) ->
                action.accept(new FaceState(faceId, FaceFlags.fromBits(face.flagBits()), face.modelId())));
    }

    private void readIndexedFaces(Map<String, IndexedFace> indexed, Set<String> duplicated) throws IOException {
        IndexSearcher searcher = acquire();
        try {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                LeafReader reader = leaf.reader();
                Bits live = reader.getLiveDocs();
                BinaryDocValues ids = DocValues.getBinary(reader, GalleryIndexLayout.FACE_ID);
                NumericDocValues attrs = DocValues.getNumeric(reader, GalleryIndexLayout.ATTRS);
                BinaryDocValues models = DocValues.getBinary(reader, GalleryIndexLayout.MODEL_ID);
                for (int doc = ids.nextDoc(); doc != BinaryDocValues.NO_MORE_DOCS; doc = ids.nextDoc()) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    if (!attrs.advanceExact(doc) || !models.advanceExact(doc)) {
                        throw new IllegalStateException("document " + doc + " lacks attrs or model_id");
                    }
                    String faceId = ids.binaryValue().utf8ToString();
                    IndexedFace face = new IndexedFace(GalleryIndexLayout.flagsOf(attrs.longValue()).bits(),
                            models.binaryValue().utf8ToString());
                    if (indexed.put(faceId, face) != null) {
                        indexed.remove(faceId);
                        duplicated.add(faceId);
                    }
                }
            }
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * Rewrites every segment that holds deleted documents without them and commits, so that Lucene's files keep no
     * trace of removed faces (a deleted document otherwise stays in its segment until a merge picks it). A merge
     * already running when this starts carries the deletions made meanwhile into its new segment, so this repeats
     * (up to 20 times, 100 ms apart) until no segment has deletions; false when some still had.
     */
    @Override
    public boolean purgeRemoved() {
        writesLock.readLock().lock();
        try {
            for (int attempt = 0; attempt < 20; attempt++) {
                if (closed.get() || !writer.isOpen()) {
                    return false;
                }
                writer.forceMergeDeletes(true);
                writer.commit(); // old segment files go once no commit and no open reader references them
                searchers.maybeRefreshBlocking(); // releases the reader that still referenced them
                if (!writer.hasDeletions()) {
                    return true;
                }
                Thread.sleep(100); // a running merge will finish and leave a segment with carried-over deletions
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            writesLock.readLock().unlock();
        }
    }

    /** Commits pending writes now (also done in the background and on close). */
    @Override
    public void commit() {
        writesLock.readLock().lock();
        try {
            if (writer.hasUncommittedChanges()) {
                writer.commit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writesLock.readLock().unlock();
        }
    }

    private void commitIfChanged() {
        if (closed.get() || !writesLock.readLock().tryLock()) {
            return; // a rebuild or repair is running and commits itself
        }
        try {
            if (writer.isOpen() && writer.hasUncommittedChanges()) {
                writer.commit();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("gallery {}: background commit failed", path, e);
        } finally {
            writesLock.readLock().unlock();
        }
    }

    private ReentrantLock lockFace(String faceId) {
        if (closed.get()) {
            throw new IllegalStateException("gallery is closed");
        }
        writesLock.readLock().lock();
        ReentrantLock lock = faceLocks[Math.floorMod(faceId.hashCode(), FACE_LOCK_STRIPES)];
        lock.lock();
        return lock;
    }

    private void unlock(ReentrantLock faceLock) {
        faceLock.unlock();
        writesLock.readLock().unlock();
    }

    private IndexSearcher acquire() {
        try {
            return searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Closes the index without a final commit, as a crash would: for tests of the repair on open.
     */
    void crash() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopCommitter();
        try {
            searchers.close();
            writer.rollback();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopCommitter();
        writesLock.writeLock().lock();
        try {
            searchers.close();
            writer.close(); // commits
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writesLock.writeLock().unlock();
            closeQuietly();
        }
    }

    /**
     * Stops the background committer and waits for a commit in progress. Never interrupt it: a thread interrupted
     * inside NIO I/O closes that channel, and when the channel is the index's {@code write.lock} (Lucene checks the
     * lock with {@code FileChannel.size()} before writing files) the lock is lost ("FileLock invalidated by an
     * external force").
     */
    private void stopCommitter() {
        committer.shutdown();
        try {
            if (!committer.awaitTermination(60, TimeUnit.SECONDS)) {
                log.warn("gallery {}: background commit still running after 60 s", path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        if (mergeExecutor != null) {
            mergeExecutor.shutdownNow();
        }
        try {
            directory.close();
        } catch (IOException e) {
            log.warn("gallery {}: closing the directory failed", path, e);
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return Thread.ofPlatform().name(name + "-", 0).daemon(true).factory();
    }
}
