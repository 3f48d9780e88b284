package io.facesearch.gallery.sketch;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.util.VectorUtil;

/**
 * The binary sketches of one vector field of one segment, and the search over them.
 *
 * <h2>Sketch of a vector (paper terms → fields)</h2>
 * A stored vector {@code x} is centred on the segment's {@link #centroid} {@code c} and rotated:
 * {@code o = R·(x - c)} ({@link HadamardRotation}). Its sketch is the sign bits {@code b_i = [o_i > 0]} of
 * {@code o}, packed little-endian into {@link #words} longs per vector in {@link #codes} (ordinal-major), and one
 * float {@code factor = ‖o‖² / Σ|o_i|}: RaBitQ's correction (Gao and Long, SIGMOD 2024) that turns the dot product
 * of a query with the ±1 code into an estimate of its dot product with {@code x - c}. Where the factors hardly vary
 * (standard deviation at most {@value #ONE_FACTOR_SPREAD} of the mean), stage 2 uses their mean,
 * {@link #meanFactor}, for every vector. Unit vectors spread around a short centroid vary little: at a million
 * face-like vectors ({@code ‖c‖ = 0.099}) the deviation is 1.6 %, an error of 0.008 at a similarity of 0.5, under
 * the estimate's own 0.02. Reading each vector's factor had cost 0.06-0.09 ms of a 1.6 ms search (a cache miss for
 * most vectors that pass stage 1); the mean cost 0.0013 of recall@10 at 500 candidates (0.9900 against 0.9913 in
 * the gallery benchmark), bought back with more candidates. Vectors crowded around one point vary more (the mean's
 * error tripled in BinarySketchesTest), so there each vector's factor is held in 8 bits ({@link #factorBytes},
 * {@code factor ≈ factorLow + factorStep · (unsigned) factorBytes[ord]}, 255 steps over the segment's range, error
 * as with float factors). Beside the sketch, {@code x} itself is kept as signed bytes, {@code x_i ≈ }
 * {@link #byteScales}{@code [ord] ·}
 * {@link #bytes}{@code [ord · dimensions + i]}, scaled per vector so that its largest entry is ±127, and what the
 * bytes miss in 4 bits: with {@code r_i} the 4-bit value of entry {@code i} in {@link #residuals} (two per byte, the
 * even entry in the low half), {@code x_i ≈ scale · (byte_i + (r_i + 0.5) / 16 - 0.5)}, 12 bits per entry in all.
 *
 * <h2>Search: four stages, each on fewer candidates with a better score</h2>
 * <ol>
 * <li><b>Hamming scan</b> of every accepted vector: {@code popcount(b_x XOR b_q)}, where {@code b_q} are the sign
 *     bits of {@code R·(q - c)}. The Hamming distance of two SimHash sketches estimates the angle between the
 *     centred vectors (Charikar 2002). Memory-bound: 64 bytes per vector for 512-d, about 1.3 ms per million vectors
 *     with the two threads of the development machine ({@link ScanKernel}). The vectors within a Hamming bound go
 *     on: the bound is the distance that {@value #SAMPLE_MARGIN} × the shortlist ({@value #SHORTLIST_FACTOR} × the
 *     candidates considered) of the first {@value #SAMPLE} vectors are within, scaled to the segment; it is widened
 *     and the scan repeated in the rare case that fewer than the shortlist pass.</li>
 * <li><b>Asymmetric estimate</b> of each vector that passes, computed at once while its sketch is in cache: the
 *     rotated query {@code p = R·q} stays (almost) exact, quantised to 4 bits per entry ({@code p_i ≈ lo +
 *     step·u_i}); with {@code s_i = 2b_i - 1}, {@code <x, q> ≈ factor·<s, p> + <c, q>}, and {@code <s, p> =
 *     2·(lo·popcount(b) + step·Σ_k 2^k popcount(b AND plane_k)) - Σp}, where {@code plane_k} holds bit k of every
 *     {@code u_i}. Its error is about {@code 1/√d} (0.02 for 512-d). Each scanning thread keeps its best
 *     {@code considered} by the estimate ({@link Shortlist}): the collector's k, or more if the query passes a
 *     {@link SketchScanStrategy}.</li>
 * <li><b>Byte re-scoring</b> of the {@code considered} best by the estimate: the dot product of the byte vectors
 *     of query and candidate, error under 0.002.</li>
 * <li><b>Fine scoring</b> of the collector's k best by the byte score: the dot product of the float query with the
 *     candidate's 12-bit copy (bytes and residuals), within {@link SketchScanVectorsFormat#fineScoreError} of
 *     the float32 dot product. Each is offered to the collector with Lucene's DOT_PRODUCT score
 *     {@code (1 + score) / 2}. These are the similarities a search reports (the caller re-scores with the
 *     float vectors only the few hits this error leaves on either side of the k-th best or the minimum).</li>
 * </ol>
 * The scan is split into chunks of {@value #CHUNK} vectors, claimed by the searching thread and, when one is free, a
 * helper thread of the gallery's {@link ParallelScan}: a search never waits for a helper that has not started. What a search
 * allocates is proportional to its shortlist, not to the segment.
 */
final class BinarySketches {

    /**
     * Stage 1 keeps this many candidates per candidate considered by stage 3. At a million faces and 500 candidates,
     * 10 instead of 20 saved 0.04-0.07 ms of 1.6 and cost 0.0013 of recall@10 (0.9900 against 0.9913 in the gallery
     * benchmark); with the mean factor as well, 600 candidates give 0.9919 (LuceneGalleryConfig).
     */
    static final int SHORTLIST_FACTOR = 10;
    static final int CHUNK = 1 << 14;
    private static final int QUERY_BITS = 4; // the estimate's loop has one plane per bit
    /** The largest standard deviation of the factors, relative to their mean, at which stage 2 uses the mean. */
    static final double ONE_FACTOR_SPREAD = 0.03;
    /** Stage 3 copies this many candidates' bytes before scoring them. */
    private static final int GROUP = 16;
    /** Ordinals whose distances set the Hamming bound of a search, and how many of them must be accepted. */
    private static final int SAMPLE = 1 << 13;
    private static final int MIN_SAMPLE = 256;
    /** The bound admits this many times the shortlist, so that a sample's error rarely leaves it short. */
    private static final double SAMPLE_MARGIN = 1.5;
    private static final ScanKernel KERNEL = ScanKernel.forThisMachine();
    /** Per thread: what {@link #KERNEL} writes for one chunk. */
    private static final ThreadLocal<KernelOutput> KERNEL_OUTPUT = ThreadLocal.withInitial(KernelOutput::new);

    final int count;
    final int words;
    final float[] centroid;
    final long[] codes;
    /** The mean of the stored vectors' correction factors. */
    final float meanFactor;
    /** Each vector's factor in 8 bits; null where stage 2 uses {@link #meanFactor} for all (see the class comment). */
    final byte[] factorBytes;
    final float factorLow;
    final float factorStep;
    final int dimensions;
    final byte[] bytes;
    final float[] byteScales;
    final byte[] residuals;
    private final HadamardRotation rotation;
    private final float[] rotatedCentroid;

    BinarySketches(int dimensions, float[] centroid, long[] codes, float[] factors, byte[] bytes, float[] byteScales,
            byte[] residuals) {
        this.rotation = new HadamardRotation(dimensions);
        this.count = factors.length;
        this.words = words(dimensions);
        this.dimensions = dimensions;
        if (centroid.length != dimensions || codes.length != (long) count * words
                || bytes.length != (long) count * dimensions || byteScales.length != count
                || residuals.length != (long) count * residualBytes(dimensions)) {
            throw new IllegalArgumentException("sketch arrays do not match " + count + " vectors of " + dimensions);
        }
        this.centroid = centroid;
        this.codes = codes;
        double sum = 0;
        double squares = 0;
        float low = Float.POSITIVE_INFINITY;
        float high = Float.NEGATIVE_INFINITY;
        for (float f : factors) {
            sum += f;
            squares += (double) f * f;
            low = Math.min(low, f);
            high = Math.max(high, f);
        }
        double mean = count == 0 ? 0 : sum / count;
        double deviation = count == 0 ? 0 : Math.sqrt(Math.max(0, squares / count - mean * mean));
        this.meanFactor = (float) mean;
        if (deviation <= ONE_FACTOR_SPREAD * mean) {
            this.factorBytes = null;
            this.factorLow = 0f;
            this.factorStep = 0f;
        } else {
            this.factorLow = low;
            this.factorStep = (high - low) / 255f;
            this.factorBytes = new byte[count];
            for (int ord = 0; ord < count; ord++) {
                factorBytes[ord] = (byte) (factorStep == 0f ? 0 : Math.round((factors[ord] - factorLow) / factorStep));
            }
        }
        this.bytes = bytes;
        this.byteScales = byteScales;
        this.residuals = residuals;
        this.rotatedCentroid = new float[rotation.padded()];
        rotation.rotate(centroid, null, rotatedCentroid);
    }

    /** Longs per sketch for vectors of this dimension. */
    static int words(int dimensions) {
        return (HadamardRotation.padded(dimensions) + 63) / 64;
    }

    /**
     * Encodes one vector: writes its sign bits at {@code codes[ord * words ..]} and returns its correction factor.
     * {@code scratch} holds at least {@link HadamardRotation#padded} floats.
     */
    static float encode(HadamardRotation rotation, float[] vector, float[] centroid, float[] scratch, long[] codes,
            int offset) {
        rotation.rotate(vector, centroid, scratch);
        int padded = rotation.padded();
        double squares = 0;
        double absolutes = 0;
        for (int i = 0; i < padded; i++) {
            float o = scratch[i];
            squares += (double) o * o;
            absolutes += Math.abs(o);
            if (o > 0) {
                codes[offset + (i >> 6)] |= 1L << (i & 63);
            }
        }
        return absolutes == 0 ? 0f : (float) (squares / absolutes);
    }

    /** Bytes per vector of {@link #residuals}: two 4-bit values per byte. */
    static int residualBytes(int dimensions) {
        return (dimensions + 1) / 2;
    }

    /**
     * Quantises one vector to signed bytes with its own scale, {@code vector[i] ≈ scale · out[offset + i]}, writes
     * the 4-bit residuals of its entries at {@code residuals[residualOffset ..]} ({@link #residualBytes} of them;
     * see the class comment; none when {@code residuals} is null) and returns the scale
     * ({@code max |vector[i]| / 127}; 0 for the zero vector).
     */
    static float quantize(float[] vector, byte[] out, int offset, byte[] residuals, int residualOffset) {
        float max = 0f;
        for (float v : vector) {
            max = Math.max(max, Math.abs(v));
        }
        if (residuals != null) {
            Arrays.fill(residuals, residualOffset, residualOffset + residualBytes(vector.length), (byte) 0);
        }
        if (max == 0f) {
            Arrays.fill(out, offset, offset + vector.length, (byte) 0);
            return 0f;
        }
        float toByte = 127f / max;
        for (int i = 0; i < vector.length; i++) {
            float scaled = vector[i] * toByte;
            int b = Math.round(scaled);
            out[offset + i] = (byte) b;
            if (residuals == null) {
                continue;
            }
            // scaled - b is in [-0.5, 0.5]: sixteen steps, each read back as its middle
            int r = Math.min(15, Math.max(0, (int) Math.floor((scaled - b + 0.5f) * 16f)));
            residuals[residualOffset + (i >> 1)] |= (byte) (r << ((i & 1) << 2));
        }
        return max / 127f;
    }

    /**
     * Offers the best candidates for {@code query} to {@code collector}.
     *
     * @param accept   accepted documents, null for all
     * @param ordToDoc maps a vector ordinal to its document; null when they are equal (every document has a vector)
     */
    void search(float[] query, KnnCollector collector, Bits accept, IntUnaryOperator ordToDoc) {
        if (count == 0) {
            return;
        }
        SketchScanStrategy strategy = collector.getSearchStrategy() instanceof SketchScanStrategy s ? s : null;
        int considered = strategy != null ? Math.max(collector.k(), strategy.candidates()) : collector.k();
        ParallelScan helpers = strategy != null ? strategy.scan() : ParallelScan.NONE;
        Query q = new Query(query);
        long wanted = (long) SHORTLIST_FACTOR * considered;
        int bound = q.boundFromSample(wanted, accept, ordToDoc);
        Shortlist shortlist;
        while (true) {
            shortlist = scan(helpers, q, bound, accept, ordToDoc, considered);
            // The sample misjudged the distribution (rare): widen the bound until the shortlist is full.
            if (shortlist.found >= wanted || shortlist.found == shortlist.scanned || bound >= q.maxDistance()) {
                break;
            }
            bound = Math.min(q.maxDistance(), bound + 16);
        }
        collector.incVisitedCount(shortlist.scanned);
        for (int i : bestPositions(shortlist.scores, collector.k())) {
            int ord = shortlist.scoredOrds[i];
            int doc = ordToDoc == null ? ord : ordToDoc.applyAsInt(ord);
            collector.collect(doc, Math.max(0f, (1f + q.fineDot(ord)) * 0.5f));
        }
    }

    /** The positions of the {@code n} highest {@code scores} (all of them when there are no more), in no order. */
    private static int[] bestPositions(float[] scores, int n) {
        if (scores.length <= n) {
            int[] all = new int[scores.length];
            Arrays.setAll(all, i -> i);
            return all;
        }
        long[] keyed = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            keyed[i] = ((long) NumericUtils.floatToSortableInt(scores[i]) << 32) | i; // by score, then position
        }
        selectLargest(keyed, keyed.length, n);
        int[] best = new int[n];
        for (int j = 0; j < n; j++) {
            best[j] = (int) keyed[j];
        }
        return best;
    }

    /**
     * Stage 2's estimate of the dot product of {@code query} with vector {@code ord} (a search prepares its query
     * once).
     */
    float estimate(float[] query, int ord) {
        Query q = new Query(query);
        return factor(ord) * q.codeDot(ord) + q.centroidDot;
    }

    /** Vector {@code ord}'s correction factor: the mean, or its own from its 8 bits. */
    private float factor(int ord) {
        return factorBytes == null ? meanFactor : factorLow + factorStep * (factorBytes[ord] & 0xFF);
    }

    /** Stage 3's score of vector {@code ord}: the dot product of the byte vectors. */
    float byteEstimate(float[] query, int ord) {
        return new Query(query).byteDots(new int[] {ord})[0];
    }

    /** Stage 4's score of vector {@code ord}: the float query's dot product with the vector's 12-bit copy. */
    float fineScore(float[] query, int ord) {
        return new Query(query).fineDot(ord);
    }

    /**
     * Stages 1 and 2 over all chunks, with a helper thread when one is free, then stage 3 on each thread's share of
     * the best {@code considered}: all of them when the searching thread scanned alone; otherwise each thread
     * scores its best {@code 1.2 × considered × (its chunks / all chunks) + 16}. The chunks a thread claims are
     * unrelated to the similarity, so each holds its share of the best {@code considered} give or take a few
     * percent, far inside that margin, and both threads score at once. Of what they scored, the best
     * {@code considered} by the estimate are kept: what one thread alone would have scored.
     */
    private Shortlist scan(ParallelScan helpers, Query q, int bound, Bits accept, IntUnaryOperator ordToDoc,
            int considered) {
        int chunks = (count + CHUNK - 1) / CHUNK;
        ScanJob job = new ScanJob(q, bound, accept, ordToDoc, chunks, considered);
        if (chunks > 1) {
            helpers.offer(job); // when every helper has a job waiting, the searching thread scans alone
        }
        Shortlist shortlist = job.scanChunks();
        if (job.state.compareAndSet(ScanJob.WAITING, ScanJob.DONE_ALONE)) {
            shortlist.scoreBest(q, considered);
            return shortlist;
        }
        shortlist.scoreBest(q, job.share(shortlist.chunks));
        job.helperDone.awaitUninterruptibly();
        shortlist.addAll(job.helperShortlist);
        shortlist.keepBest(considered);
        return shortlist;
    }

    /**
     * The sketches of one block that {@link #KERNEL} found within the bound and their counts: 24 KB held by each
     * thread that ever searched (a chunk is scanned in blocks so that this stays small).
     */
    private static final class KernelOutput {
        static final int BLOCK = 2048;
        final int[] ords = new int[BLOCK];
        final int[] ones = new int[BLOCK];
        final int[] weighted = new int[BLOCK];
    }

    /**
     * Rearranges {@code keys[0, n)} so that its {@code k} largest come first, in no order (Hoare's selection,
     * linear on average). The keys must be distinct.
     */
    static void selectLargest(long[] keys, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = keys[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] > pivot) {
                    i++;
                }
                while (keys[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    long swap = keys[i];
                    keys[i++] = keys[j];
                    keys[j--] = swap;
                }
            }
            // keys[lo, j] >= pivot >= keys[i, hi], and whatever lies between equals the pivot
            if (k - 1 <= j) {
                hi = j;
            } else if (k - 1 >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    /** The smallest of {@code keys[0, n)}. */
    private static long smallest(long[] keys, int n) {
        long smallest = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            smallest = Math.min(smallest, keys[i]);
        }
        return smallest;
    }

    /**
     * The best vectors by stage 2's estimate that one thread found within the Hamming bound, each held as the key
     * {@code sortable(estimate) << 32 | ordinal}; how many it found, scanned and the chunks it scanned; after stage
     * 3, the ordinals it scored and their scores. Offers go into a buffer of {@value #BUFFERED} times the size
     * kept; a full buffer is cut to the best {@code size} by {@link #selectLargest}, and from then on an offer
     * must beat the worst kept. So nearly every offer is one comparison: a heap of the best instead cost 0.07 ms
     * more of a 1.6 ms search at a million faces.
     */
    private static final class Shortlist {
        static final int BUFFERED = 4;
        private final int size;
        private final long[] keys;
        private int buffered;
        /** Once {@code size} are kept: the worst of them, which an offer must beat. */
        private long floor = Long.MIN_VALUE;
        int found;
        int scanned;
        int chunks;
        /** After stage 3: the keys it scored, their ordinals and their scores. */
        long[] scoredKeys;
        int[] scoredOrds;
        float[] scores;

        Shortlist(int size) {
            this.size = size;
            this.keys = new long[BUFFERED * size];
        }

        void offer(int ord, float estimate) {
            long key = ((long) NumericUtils.floatToSortableInt(estimate) << 32) | ord;
            if (key > floor) {
                keys[buffered++] = key;
                if (buffered == keys.length) {
                    cut(size);
                }
            }
        }

        /** Keeps the best {@code n} of the buffered keys. */
        private void cut(int n) {
            if (buffered > n) {
                selectLargest(keys, buffered, n);
                buffered = n;
            }
            if (buffered == size) {
                floor = smallest(keys, buffered);
            }
        }

        /** Stage 3 for the best {@code n} by the estimate. */
        void scoreBest(Query q, int n) {
            cut(n);
            scoredKeys = Arrays.copyOf(keys, buffered);
            scoredOrds = new int[buffered];
            for (int i = 0; i < buffered; i++) {
                scoredOrds[i] = (int) scoredKeys[i];
            }
            scores = q.byteDots(scoredOrds);
        }

        /** Keeps the scored entries whose estimates are among the best {@code size}. */
        void keepBest(int size) {
            if (scoredKeys.length <= size) {
                return;
            }
            long[] best = scoredKeys.clone();
            selectLargest(best, best.length, size);
            long lowest = smallest(best, size); // keys are distinct: they end in the ordinal
            int kept = 0;
            for (int i = 0; i < scoredKeys.length; i++) {
                if (scoredKeys[i] >= lowest) {
                    scoredKeys[kept] = scoredKeys[i];
                    scoredOrds[kept] = scoredOrds[i];
                    scores[kept] = scores[i];
                    kept++;
                }
            }
            scoredKeys = Arrays.copyOf(scoredKeys, kept);
            scoredOrds = Arrays.copyOf(scoredOrds, kept);
            scores = Arrays.copyOf(scores, kept);
        }

        /** Adds what another thread found and scored. */
        void addAll(Shortlist other) {
            int mine = scoredOrds.length;
            scoredKeys = Arrays.copyOf(scoredKeys, mine + other.scoredKeys.length);
            scoredOrds = Arrays.copyOf(scoredOrds, scoredKeys.length);
            scores = Arrays.copyOf(scores, scoredKeys.length);
            System.arraycopy(other.scoredKeys, 0, scoredKeys, mine, other.scoredKeys.length);
            System.arraycopy(other.scoredOrds, 0, scoredOrds, mine, other.scoredOrds.length);
            System.arraycopy(other.scores, 0, scores, mine, other.scores.length);
            found += other.found;
            scanned += other.scanned;
        }
    }

    private final class ScanJob implements Runnable {
        static final int WAITING = 0;
        static final int HELPER_STARTED = 1;
        static final int DONE_ALONE = 2;

        final AtomicInteger state = new AtomicInteger(WAITING);
        final AtomicInteger nextChunk = new AtomicInteger();
        final Latch helperDone = new Latch();
        final Query q;
        final int bound;
        final Bits accept;
        final IntUnaryOperator ordToDoc;
        final int chunks;
        final int considered;
        Shortlist helperShortlist;

        ScanJob(Query q, int bound, Bits accept, IntUnaryOperator ordToDoc, int chunks, int considered) {
            this.q = q;
            this.bound = bound;
            this.accept = accept;
            this.ordToDoc = ordToDoc;
            this.chunks = chunks;
            this.considered = considered;
        }

        @Override
        public void run() {
            if (!state.compareAndSet(WAITING, HELPER_STARTED)) {
                return; // the searching thread already finished every chunk
            }
            try {
                Shortlist shortlist = scanChunks();
                shortlist.scoreBest(q, share(shortlist.chunks));
                helperShortlist = shortlist;
            } finally {
                helperDone.release();
            }
        }

        Shortlist scanChunks() {
            Shortlist shortlist = new Shortlist(considered);
            KernelOutput within = accept == null && words == 8 ? KERNEL_OUTPUT.get() : null;
            for (int chunk = nextChunk.getAndIncrement(); chunk < chunks; chunk = nextChunk.getAndIncrement()) {
                int from = chunk * CHUNK;
                int to = Math.min(count, from + CHUNK);
                if (within != null) {
                    scan512(from, to, within, shortlist);
                } else {
                    scan(from, to, shortlist);
                }
                shortlist.chunks++;
            }
            return shortlist;
        }

        /** How many of its best a thread that scanned {@code scannedChunks} of the chunks scores (see scan). */
        int share(int scannedChunks) {
            return (int) Math.min(considered, Math.ceil(1.2 * considered * scannedChunks / chunks) + 16);
        }

        /** Stages 1 and 2 for 512-bit sketches of all documents: the hot loop, by {@link #KERNEL}. */
        private void scan512(int from, int to, KernelOutput within, Shortlist shortlist) {
            for (int start = from; start < to; start += KernelOutput.BLOCK) {
                int end = Math.min(to, start + KernelOutput.BLOCK);
                int n = KERNEL.scan(codes, start, end, q.signBits, q.planes, bound, within.ords, within.ones,
                        within.weighted);
                int[] ords = within.ords;
                for (int i = 0; i < n; i++) {
                    shortlist.offer(ords[i], factor(ords[i]) * q.codeDot(within.ones[i], within.weighted[i])
                            + q.centroidDot);
                }
                shortlist.found += n;
            }
            shortlist.scanned += to - from;
        }

        /** Stages 1 and 2, any sketch length, only accepted documents. */
        private void scan(int from, int to, Shortlist shortlist) {
            for (int ord = from; ord < to; ord++) {
                if (accept != null && !accept.get(ordToDoc == null ? ord : ordToDoc.applyAsInt(ord))) {
                    continue;
                }
                shortlist.scanned++;
                if (q.distance(ord) <= bound) {
                    shortlist.offer(ord, factor(ord) * q.codeDot(ord) + q.centroidDot);
                    shortlist.found++;
                }
            }
        }
    }

    /** A one-shot latch without the interruptible waits of {@link CountDownLatch}. */
    private static final class Latch {
        private final CountDownLatch latch = new CountDownLatch(1);

        void release() {
            latch.countDown();
        }

        void awaitUninterruptibly() {
            boolean interrupted = false;
            while (true) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A query prepared for this segment: its Hamming sign bits and its 4-bit planes for the estimate. */
    private final class Query {
        final long[] signBits = new long[words];
        /** Bit k of every quantised entry: plane k is the {@code words} longs at {@code k · words}. */
        final long[] planes = new long[QUERY_BITS * words];
        final float low;
        final float step;
        final float sum;
        final float centroidDot;
        final byte[] queryBytes;
        final float queryScale;
        final float[] vector;
        /** Stage 4's copy of one candidate, decoded. */
        final float[] decoded;

        Query(float[] query) {
            int padded = rotation.padded();
            float[] p = new float[padded];
            rotation.rotate(query, null, p);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < padded; i++) {
                if (p[i] - rotatedCentroid[i] > 0) {
                    signBits[i >> 6] |= 1L << (i & 63);
                }
                min = Math.min(min, p[i]);
                max = Math.max(max, p[i]);
            }
            int levels = (1 << QUERY_BITS) - 1;
            float s = max > min ? (max - min) / levels : 0f;
            double total = 0;
            for (int i = 0; i < padded; i++) {
                int u = s == 0f ? 0 : Math.round((p[i] - min) / s);
                total += min + s * u;
                long bit = 1L << (i & 63);
                int word = i >> 6;
                for (int k = 0; k < QUERY_BITS; k++) {
                    planes[k * words + word] |= (u & (1 << k)) != 0 ? bit : 0L;
                }
            }
            this.low = min;
            this.step = s;
            this.sum = (float) total;
            this.centroidDot = VectorUtil.dotProduct(centroid, query);
            this.queryBytes = new byte[dimensions];
            this.queryScale = quantize(query, queryBytes, 0, null, 0);
            this.vector = query;
            this.decoded = new float[dimensions];
        }

        /** Stage 4: {@code Σ q_i · scale · (byte_i + (r_i + 0.5) / 16 - 0.5)} for vector {@code ord}. */
        float fineDot(int ord) {
            int base = ord * dimensions;
            int residualBase = ord * residualBytes(dimensions);
            for (int i = 0; i < dimensions; i++) {
                int r = (residuals[residualBase + (i >> 1)] >>> ((i & 1) << 2)) & 0xF;
                decoded[i] = bytes[base + i] + (r + 0.5f) / 16f - 0.5f;
            }
            return byteScales[ord] * VectorUtil.dotProduct(vector, decoded);
        }

        /**
         * Stage 3: the dot product of the byte vectors of the query and of each of {@code ords}, rescaled. The
         * candidates go in groups of {@value #GROUP}: first their bytes and scales are copied, loads that miss the
         * cache independently and so overlap, then scored from the copy, because Lucene's vectorised byte dot product
         * takes whole arrays (250 random candidates of a million: 0.04 ms, against 0.11 ms copying and scoring one
         * at a time, and a scalar loop over the shared array was slower still).
         */
        float[] byteDots(int[] ords) {
            float[] scores = new float[ords.length];
            byte[] group = new byte[GROUP * dimensions];
            byte[] vector = new byte[dimensions];
            for (int start = 0; start < ords.length; start += GROUP) {
                int end = Math.min(ords.length, start + GROUP);
                for (int i = start; i < end; i++) {
                    System.arraycopy(bytes, ords[i] * dimensions, group, (i - start) * dimensions, dimensions);
                    scores[i] = queryScale * byteScales[ords[i]];
                }
                for (int i = start; i < end; i++) {
                    System.arraycopy(group, (i - start) * dimensions, vector, 0, dimensions);
                    scores[i] *= VectorUtil.dotProduct(queryBytes, vector);
                }
            }
            return scores;
        }

        int maxDistance() {
            return words * 64;
        }

        /** Stage 1: the Hamming distance of vector {@code ord}'s sketch to the query's. */
        int distance(int ord) {
            int base = ord * words;
            if (words == 8) {
                return ScalarScanKernel.distance512(codes, base, signBits);
            }
            int d = 0;
            for (int w = 0; w < words; w++) {
                d += Long.bitCount(codes[base + w] ^ signBits[w]);
            }
            return d;
        }

        /**
         * A Hamming bound that about {@code SAMPLE_MARGIN × wanted} accepted vectors are within, judged from the
         * first {@value #SAMPLE} ordinals (insertion order is unrelated to the similarity to a query); the open bound
         * when the sample holds too few accepted vectors to judge or when {@code wanted} is most of them.
         */
        int boundFromSample(long wanted, Bits accept, IntUnaryOperator ordToDoc) {
            int sampled = Math.min(count, SAMPLE);
            int[] histogram = new int[maxDistance() + 1];
            int accepted = 0;
            for (int ord = 0; ord < sampled; ord++) {
                if (accept == null || accept.get(ordToDoc == null ? ord : ordToDoc.applyAsInt(ord))) {
                    histogram[distance(ord)]++;
                    accepted++;
                }
            }
            double expectedAccepted = (double) count * accepted / sampled;
            double share = SAMPLE_MARGIN * wanted / expectedAccepted;
            if (accepted < MIN_SAMPLE || share >= 1) {
                return maxDistance();
            }
            return quantile(histogram, share, accepted);
        }

        /** The smallest distance that at least {@code share} of the {@code total} counted are within. */
        private static int quantile(int[] histogram, double share, int total) {
            long needed = (long) Math.ceil(share * total);
            long within = 0;
            for (int d = 0; d < histogram.length; d++) {
                within += histogram[d];
                if (within >= needed) {
                    return d;
                }
            }
            return histogram.length - 1;
        }

        /**
         * Stage 2 without the vector's correction: {@code <s, p>}, the dot product of the rotated query with the
         * ±1 code of vector {@code ord}. The estimate of {@code <x, q>} is {@code factor(ord) · codeDot + <c, q>}.
         */
        float codeDot(int ord) {
            int base = ord * words;
            int ones = 0;
            int weighted = 0;
            for (int w = 0; w < words; w++) {
                long code = codes[base + w];
                ones += Long.bitCount(code);
                for (int k = 0; k < QUERY_BITS; k++) {
                    weighted += Long.bitCount(code & planes[k * words + w]) << k;
                }
            }
            return codeDot(ones, weighted);
        }

        /** {@link #codeDot(int)} from the code's {@code popcount(b)} and {@code Σ_k 2^k popcount(b AND plane_k)}. */
        float codeDot(int ones, int weighted) {
            float selected = low * ones + step * weighted; // Σ of p_i over the set bits
            return 2f * selected - sum;
        }
    }
}
