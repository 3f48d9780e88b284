package io.facesearch.gallery.sketch;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * A Lucene vectors format for exhaustive search: float32 vectors as Lucene stores them
 * ({@link Lucene99FlatVectorsFormat}: {@code .vec}, {@code .vemf}) plus a 1-bit sketch of every vector, held in
 * memory and scanned in full by every search ({@link BinarySketches}). No graph: building costs one rotation per
 * vector, and a filter or deleted documents never make a search miss its true neighbours.
 *
 * <h2>Files (per segment, per format suffix)</h2>
 * <b>{@code .fskm}</b> (meta): index header {@value #META_CODEC}; per field {@code [int field number][int vector
 * count][int dimensions][long data offset][long data length]}; {@code int -1}; footer.<br>
 * <b>{@code .fsk}</b> (data): index header {@value #DATA_CODEC}; per field at its offset: the centroid
 * ({@code dimensions} little-endian float32), the sketches ({@code count × words} little-endian int64, vector
 * ordinal-major, bit i of a sketch in long {@code i / 64} at bit {@code i % 64}; {@code words = ⌈padded / 64⌉},
 * padded = dimensions rounded up to a power of two), the correction factors ({@code count} float32), the byte
 * vectors ({@code count × dimensions} int8, vector ordinal-major), their scales ({@code count} float32) and their
 * residuals ({@code count × ⌈dimensions / 2⌉} bytes, vector ordinal-major, entry {@code 2j} in the low four bits of
 * byte {@code j}, {@code 2j + 1} in the high four; see {@link BinarySketches}); footer.
 * The rotation ({@link HadamardRotation#SEED}, {@link HadamardRotation#ROUNDS}) is fixed by {@link #VERSION_CURRENT}.
 * Both files are read whole and checksummed when a segment is opened.
 *
 * <p>Lucene finds a format by name when it opens a segment; this class is registered in
 * {@code META-INF/services/org.apache.lucene.codecs.KnnVectorsFormat}.
 */
public final class SketchScanVectorsFormat extends KnnVectorsFormat {

  public static final String NAME = "FacesearchSketchScan";
  static final String META_CODEC = "FacesearchSketchScanMeta";
  static final String DATA_CODEC = "FacesearchSketchScanData";
  static final String META_EXTENSION = "fskm";
  static final String DATA_EXTENSION = "fsk";

  /**
   * A bound, with a margin, on how far stage 3's score (the byte vectors' dot product) is from the float32 dot
   * product (checked by BinarySketchesTest; measurements in docs/history/gallery-measurements.md).
   */
  public static final float BYTE_SCORE_ERROR = 0.004f;

  /**
   * A bound, with a margin, on how far a search's score (stage 4: the float query against the 12-bit copy) is
   * from the float32 dot product, the similarity reported, for unit vectors of {@code dimensions} entries:
   * {@code 0.0005 · √(128 / dimensions)}, 0.00025 for 512-d. The 12-bit step is a vector's largest entry / 2032,
   * and the entries of a unit vector shrink as {@code 1/√dimensions}. The measured errors stay well inside it
   * (BinarySketchesTest checks it; docs/history/gallery-measurements.md).
   */
  public static float fineScoreError(int dimensions) {
    return (float) (0.0005 * Math.sqrt(128.0 / dimensions));
  }

  /**
   * 0: sketches and factors; 1: and byte vectors; 2: and their 4-bit residuals. Older segments are not read
   * (the index is rebuilt: {@code GalleryIndexLayout} version 5).
   */
  static final int VERSION_START = 2;

  static final int VERSION_CURRENT = 2;

  private final FlatVectorsFormat floats =
      new Lucene99FlatVectorsFormat(FlatVectorScorerUtil.getLucene99FlatVectorsScorer());

  public SketchScanVectorsFormat() {
    super(NAME);
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new SketchScanVectorsWriter(state, floats.fieldsWriter(state));
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return new SketchScanVectorsReader(state, floats.fieldsReader(state));
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return 4096;
  }

  @Override
  public String toString() {
    return NAME + "(floats=" + floats + ")";
  }
}
