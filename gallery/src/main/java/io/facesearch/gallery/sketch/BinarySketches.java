package io.facesearch.gallery.sketch;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;

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
 * {@link #meanFactor}, for every vector: reading each vector's factor is a cache miss that cost more than the
 * mean's small error (docs/history/gallery-measurements.md). Vectors crowded around one point vary more, so there
 * each vector's factor is held in 8 bits ({@link #factorBytes},
 * {@code factor ≈ factorLow + factorStep · (unsigned) factorBytes[ord]}, 255 steps over the segment's range, error
 * as with float factors). Beside the sketch, {@code x} itself is kept as signed bytes, {@code x_i ≈ }
 * {@link #byteScales}{@code [ord] ·}
 * {@link #bytes}{@code [ord · dimensions + i]}, scaled per vector so that its largest entry is ±127, and what the
 * bytes miss in 4 bits: with {@code r_i} the 4-bit value of entry {@code i} in {@link #residuals} (two per byte, the
 * even entry in the low half), {@code x_i ≈ scale · (byte_i + (r_i + 0.5) / 16 - 0.5)}, 12 bits per entry in all.
 *
 * <h2>Search: four stages, each on fewer candidates with a better score (contract: {@code package-info.java})</h2>
 * <ol>
 * <li><b>Hamming scan</b> of every accepted vector: {@code popcount(b_x XOR b_q)}, where {@code b_q} are the sign
 *     bits of {@code R·(q - c)}. The Hamming distance of two SimHash sketches estimates the angle between the
 *     centred vectors (Charikar 2002). Memory-bound: 64 bytes per vector for 512-d, about 1.3 ms per million vectors
 *     with the two threads of the development machine ({@link ScanKernel}). The vectors within a Hamming bound go
 *     on: the bound is the distance that {@value SketchQuery#SAMPLE_MARGIN} × the shortlist
 *     ({@value #SHORTLIST_FACTOR} × the candidates considered) of the first {@value SketchQuery#SAMPLE} vectors are
 *     within, scaled to the segment; it is widened and the scan repeated in the rare case that fewer than the
 *     shortlist pass.</li>
 * <li><b>Asymmetric estimate</b> of each vector that passes, computed at once while its sketch is in cache: the
 *     rotated query {@code p = R·q} stays (almost) exact, quantised to 4 bits per entry ({@code p_i ≈ lo +
 *     step·u_i}); with {@code s_i = 2b_i - 1}, {@code <x, q> ≈ factor·<s, p> + <c, q>}, and {@code <s, p> =
 *     2·(lo·popcount(b) + step·Σ_k 2^k popcount(b AND plane_k)) - Σp}, where {@code plane_k} holds bit k of every
 *     {@code u_i}. Its error is about {@code 1/√d} (0.02 for 512-d). Each scanning thread keeps its best
 *     {@code considered} by the estimate ({@link TopKeys.Shortlist}): the collector's k, or more if the query passes a
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
 * helper thread of the gallery's {@link ParallelScan}: a search never waits for a helper that has not started.
 * What a search allocates is proportional to its shortlist, not to the segment.
 */
final class BinarySketches {

  /**
   * Stage 1 keeps this many candidates per candidate considered by stage 3: fewer than 20 saved more time than the
   * recall it cost, which more candidates buy back (docs/history/gallery-measurements.md).
   */
  static final int SHORTLIST_FACTOR = 10;

  static final int CHUNK = 1 << 14;

  /** The largest standard deviation of the factors, relative to their mean, at which stage 2 uses the mean. */
  static final double ONE_FACTOR_SPREAD = 0.03;

  private static final ScanKernel KERNEL = ScanKernel.forThisMachine();

  /** Per thread: what {@link #KERNEL} writes for one chunk. */
  private static final ThreadLocal<KernelOutput> KERNEL_OUTPUT =
      ThreadLocal.withInitial(KernelOutput::new);

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
  final HadamardRotation rotation;
  final float[] rotatedCentroid;

  BinarySketches(
      int dimensions,
      float[] centroid,
      long[] codes,
      float[] factors,
      byte[] bytes,
      float[] byteScales,
      byte[] residuals) {
    this.rotation = new HadamardRotation(dimensions);
    this.count = factors.length;
    this.words = SketchCodec.words(dimensions);
    this.dimensions = dimensions;
    if (centroid.length != dimensions
        || codes.length != (long) count * words
        || bytes.length != (long) count * dimensions
        || byteScales.length != count
        || residuals.length != (long) count * SketchCodec.residualBytes(dimensions)) {
      throw new IllegalArgumentException(
          "sketch arrays do not match " + count + " vectors of " + dimensions);
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
        factorBytes[ord] =
            (byte) (factorStep == 0f ? 0 : Math.round((factors[ord] - factorLow) / factorStep));
      }
    }
    this.bytes = bytes;
    this.byteScales = byteScales;
    this.residuals = residuals;
    this.rotatedCentroid = new float[rotation.padded()];
    rotation.rotate(centroid, null, rotatedCentroid);
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
    SketchScanStrategy strategy =
        collector.getSearchStrategy() instanceof SketchScanStrategy s ? s : null;
    int considered =
        strategy != null ? Math.max(collector.k(), strategy.candidates()) : collector.k();
    ParallelScan helpers = strategy != null ? strategy.scan() : ParallelScan.NONE;
    SketchQuery q = new SketchQuery(this, query);
    long wanted = (long) SHORTLIST_FACTOR * considered;
    int bound = q.boundFromSample(wanted, accept, ordToDoc);
    TopKeys.Shortlist shortlist;
    while (true) {
      shortlist = scan(helpers, q, bound, accept, ordToDoc, considered);
      // The sample misjudged the distribution (rare): widen the bound until the shortlist is full.
      if (shortlist.found >= wanted
          || shortlist.found == shortlist.scanned
          || bound >= q.maxDistance()) {
        break;
      }
      bound = Math.min(q.maxDistance(), bound + 16);
    }
    collector.incVisitedCount(shortlist.scanned);
    for (int i : TopKeys.bestPositions(shortlist.scores, collector.k())) {
      int ord = shortlist.scoredOrds[i];
      int doc = ordToDoc == null ? ord : ordToDoc.applyAsInt(ord);
      collector.collect(doc, Math.max(0f, (1f + q.fineDot(ord)) * 0.5f));
    }
  }

  /**
   * Stage 2's estimate of the dot product of {@code query} with vector {@code ord} (a search prepares its query
   * once).
   */
  float estimate(float[] query, int ord) {
    SketchQuery q = new SketchQuery(this, query);
    return factor(ord) * q.codeDot(ord) + q.centroidDot;
  }

  /** Vector {@code ord}'s correction factor: the mean, or its own from its 8 bits. */
  private float factor(int ord) {
    return factorBytes == null ? meanFactor : factorLow + factorStep * (factorBytes[ord] & 0xFF);
  }

  /** Stage 3's score of vector {@code ord}: the dot product of the byte vectors. */
  float byteEstimate(float[] query, int ord) {
    return new SketchQuery(this, query).byteDots(new int[] {ord})[0];
  }

  /** Stage 4's score of vector {@code ord}: the float query's dot product with the vector's 12-bit copy. */
  float fineScore(float[] query, int ord) {
    return new SketchQuery(this, query).fineDot(ord);
  }

  /**
   * Stages 1 and 2 over all chunks, with a helper thread when one is free, then stage 3 on each thread's share of
   * the best {@code considered}: all of them when the searching thread scanned alone; otherwise each thread
   * scores its best {@code 1.2 × considered × (its chunks / all chunks) + 16}. The chunks a thread claims are
   * unrelated to the similarity, so each holds its share of the best {@code considered} give or take a few
   * percent, far inside that margin, and both threads score at once. Of what they scored, the best
   * {@code considered} by the estimate are kept: what one thread alone would have scored.
   */
  private TopKeys.Shortlist scan(
      ParallelScan helpers,
      SketchQuery q,
      int bound,
      Bits accept,
      IntUnaryOperator ordToDoc,
      int considered) {
    int chunks = (count + CHUNK - 1) / CHUNK;
    ScanJob job = new ScanJob(q, bound, accept, ordToDoc, chunks, considered);
    if (chunks > 1) {
      helpers.offer(job); // when every helper has a job waiting, the searching thread scans alone
    }
    TopKeys.Shortlist shortlist = job.scanChunks();
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

  private final class ScanJob implements Runnable {
    static final int WAITING = 0;
    static final int HELPER_STARTED = 1;
    static final int DONE_ALONE = 2;

    final AtomicInteger state = new AtomicInteger(WAITING);
    final AtomicInteger nextChunk = new AtomicInteger();
    final Latch helperDone = new Latch();
    final SketchQuery q;
    final int bound;
    final Bits accept;
    final IntUnaryOperator ordToDoc;
    final int chunks;
    final int considered;
    TopKeys.Shortlist helperShortlist;

    ScanJob(
        SketchQuery q,
        int bound,
        Bits accept,
        IntUnaryOperator ordToDoc,
        int chunks,
        int considered) {
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
        TopKeys.Shortlist shortlist = scanChunks();
        shortlist.scoreBest(q, share(shortlist.chunks));
        helperShortlist = shortlist;
      } finally {
        helperDone.release();
      }
    }

    TopKeys.Shortlist scanChunks() {
      TopKeys.Shortlist shortlist = new TopKeys.Shortlist(considered);
      KernelOutput within = accept == null && words == 8 ? KERNEL_OUTPUT.get() : null;
      for (int chunk = nextChunk.getAndIncrement();
          chunk < chunks;
          chunk = nextChunk.getAndIncrement()) {
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
    private void scan512(int from, int to, KernelOutput within, TopKeys.Shortlist shortlist) {
      for (int start = from; start < to; start += KernelOutput.BLOCK) {
        int end = Math.min(to, start + KernelOutput.BLOCK);
        int n =
            KERNEL.scan(
                codes,
                start,
                end,
                q.signBits,
                q.planes,
                bound,
                within.ords,
                within.ones,
                within.weighted);
        int[] ords = within.ords;
        for (int i = 0; i < n; i++) {
          shortlist.offer(
              ords[i],
              factor(ords[i]) * q.codeDot(within.ones[i], within.weighted[i]) + q.centroidDot);
        }
        shortlist.found += n;
      }
      shortlist.scanned += to - from;
    }

    /** Stages 1 and 2, any sketch length, only accepted documents. */
    private void scan(int from, int to, TopKeys.Shortlist shortlist) {
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
}
