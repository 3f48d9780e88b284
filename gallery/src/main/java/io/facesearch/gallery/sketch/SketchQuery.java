package io.facesearch.gallery.sketch;

import java.util.function.IntUnaryOperator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

/**
 * A query prepared for one segment's {@link BinarySketches}, and the scores of stages 1 to 4 for it: its Hamming
 * sign bits (stage 1), its 4-bit planes for the estimate (stage 2), its byte vector (stage 3) and its float vector
 * against a candidate's 12-bit copy (stage 4). Prepared once per search and segment.
 */
final class SketchQuery {

  /** The query's entries are quantised to this many bits for stage 2: its loop has one plane per bit. */
  static final int QUERY_BITS = 4;

  /** Stage 3 copies this many candidates' bytes before scoring them. */
  static final int GROUP = 16;

  /** Ordinals whose distances set the Hamming bound of a search, and how many of them must be accepted. */
  static final int SAMPLE = 1 << 13;

  static final int MIN_SAMPLE = 256;

  /** The bound admits this many times the shortlist, so that a sample's error rarely leaves it short. */
  static final double SAMPLE_MARGIN = 1.5;

  // The segment's arrays, read by every stage.
  private final int words;
  private final int dimensions;
  private final int count;
  private final long[] codes;
  private final float[] centroid;
  private final byte[] bytes;
  private final float[] byteScales;
  private final byte[] residuals;

  final long[] signBits;

  /** Bit k of every quantised entry: plane k is the {@code words} longs at {@code k · words}. */
  final long[] planes;

  final float low;
  final float step;
  final float sum;
  final float centroidDot;
  final byte[] queryBytes;
  final float queryScale;
  final float[] vector;

  /** Stage 4's copy of one candidate, decoded. */
  final float[] decoded;

  SketchQuery(BinarySketches sketches, float[] query) {
    this.words = sketches.words;
    this.dimensions = sketches.dimensions;
    this.count = sketches.count;
    this.codes = sketches.codes;
    this.centroid = sketches.centroid;
    this.bytes = sketches.bytes;
    this.byteScales = sketches.byteScales;
    this.residuals = sketches.residuals;
    this.signBits = new long[words];
    this.planes = new long[QUERY_BITS * words];
    float[] rotatedCentroid = sketches.rotatedCentroid;
    int padded = sketches.rotation.padded();
    float[] p = new float[padded];
    sketches.rotation.rotate(query, null, p);
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
    this.queryScale = SketchCodec.quantize(query, queryBytes, 0, null, 0);
    this.vector = query;
    this.decoded = new float[dimensions];
  }

  /** Stage 4: {@code Σ q_i · scale · (byte_i + (r_i + 0.5) / 16 - 0.5)} for vector {@code ord}. */
  float fineDot(int ord) {
    int base = ord * dimensions;
    int residualBase = ord * SketchCodec.residualBytes(dimensions);
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
   * takes whole arrays (faster than one at a time: docs/history/gallery-measurements.md).
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
