package io.facesearch.gallery.sketch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnFieldVectorsWriter;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatFieldVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOUtils;

/** Writes the float vectors through Lucene's flat writer and the sketches of {@link SketchScanVectorsFormat}. */
final class SketchScanVectorsWriter extends KnnVectorsWriter {

  private final FlatVectorsWriter floats;
  private final IndexOutput meta;
  private final IndexOutput data;
  private final List<PendingField> fields = new ArrayList<>();

  private record PendingField(FieldInfo info, FlatFieldVectorsWriter<float[]> vectors) {}

  SketchScanVectorsWriter(SegmentWriteState state, FlatVectorsWriter floats) throws IOException {
    this.floats = floats;
    IndexOutput metaOut = null;
    IndexOutput dataOut = null;
    boolean success = false;
    try {
      metaOut =
          state.directory.createOutput(
              IndexFileNames.segmentFileName(
                  state.segmentInfo.name,
                  state.segmentSuffix,
                  SketchScanVectorsFormat.META_EXTENSION),
              state.context);
      dataOut =
          state.directory.createOutput(
              IndexFileNames.segmentFileName(
                  state.segmentInfo.name,
                  state.segmentSuffix,
                  SketchScanVectorsFormat.DATA_EXTENSION),
              state.context);
      CodecUtil.writeIndexHeader(
          metaOut,
          SketchScanVectorsFormat.META_CODEC,
          SketchScanVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(),
          state.segmentSuffix);
      CodecUtil.writeIndexHeader(
          dataOut,
          SketchScanVectorsFormat.DATA_CODEC,
          SketchScanVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(),
          state.segmentSuffix);
      success = true;
    } finally {
      if (!success) {
        IOUtils.closeWhileHandlingException(metaOut, dataOut, floats);
      }
    }
    this.meta = metaOut;
    this.data = dataOut;
  }

  @Override
  @SuppressWarnings("unchecked") // FLOAT32 fields get float[] writers from the flat format
  public KnnFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    if (fieldInfo.getVectorEncoding() != VectorEncoding.FLOAT32) {
      throw new IllegalArgumentException(
          SketchScanVectorsFormat.NAME
              + " indexes float32 vectors only: "
              + fieldInfo.name
              + " is "
              + fieldInfo.getVectorEncoding());
    }
    FlatFieldVectorsWriter<?> vectors = floats.addField(fieldInfo);
    fields.add(new PendingField(fieldInfo, (FlatFieldVectorsWriter<float[]>) vectors));
    return vectors;
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    if (sortMap != null) {
      throw new UnsupportedOperationException(
          SketchScanVectorsFormat.NAME + " does not support index sorting");
    }
    floats.flush(maxDoc, sortMap);
    for (PendingField field : fields) {
      List<float[]> vectors = field.vectors().getVectors();
      writeField(
          field.info(),
          new VectorSource() {
            int next;

            @Override
            public void restart() {
              next = 0;
            }

            @Override
            public float[] next() {
              return next < vectors.size() ? vectors.get(next++) : null;
            }
          });
    }
  }

  @Override
  public void mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
    floats.mergeOneField(fieldInfo, mergeState);
    // The merged vectors in their new ordinal order, which is the order the flat writer just wrote.
    FloatVectorValues merged = MergedVectorValues.mergeFloatVectorValues(fieldInfo, mergeState);
    writeField(
        fieldInfo,
        new VectorSource() {
          FloatVectorValues values = merged;
          KnnVectorValues.DocIndexIterator iterator = merged.iterator();

          @Override
          public void restart() throws IOException {
            if (iterator.docID() != -1) {
              values = MergedVectorValues.mergeFloatVectorValues(fieldInfo, mergeState);
              iterator = values.iterator();
            }
          }

          @Override
          public float[] next() throws IOException {
            return iterator.nextDoc() == DocIdSetIterator.NO_MORE_DOCS
                ? null
                : values.vectorValue(iterator.index());
          }
        });
  }

  /**
   * The vectors of one field in ordinal order, read four times: for the centroid, the sketches, the bytes and
   * the residuals (each section of the file is written whole, and holding a segment's bytes or residuals in memory
   * during a merge would cost 256-512 bytes per vector).
   */
  private interface VectorSource {
    void restart() throws IOException;

    /** The next vector, null after the last. */
    float[] next() throws IOException;
  }

  private void writeField(FieldInfo info, VectorSource vectors) throws IOException {
    int dims = info.getVectorDimension();
    double[] sum = new double[dims];
    int count = 0;
    vectors.restart();
    for (float[] v = vectors.next(); v != null; v = vectors.next()) {
      for (int i = 0; i < dims; i++) {
        sum[i] += v[i];
      }
      count++;
    }
    float[] centroid = new float[dims];
    for (int i = 0; i < dims; i++) {
      centroid[i] = count == 0 ? 0f : (float) (sum[i] / count);
    }
    HadamardRotation rotation = new HadamardRotation(dims);
    int words = SketchCodec.words(dims);
    long offset = data.alignFilePointer(Long.BYTES);
    for (float c : centroid) {
      data.writeInt(Float.floatToIntBits(c));
    }
    float[] factors = new float[count];
    float[] scratch = new float[rotation.padded()];
    long[] code = new long[words];
    vectors.restart();
    for (int ord = 0; ord < count; ord++) {
      Arrays.fill(code, 0L);
      factors[ord] = SketchCodec.encode(rotation, vectors.next(), centroid, scratch, code, 0);
      for (long w : code) {
        data.writeLong(w);
      }
    }
    for (float f : factors) {
      data.writeInt(Float.floatToIntBits(f));
    }
    float[] byteScales = new float[count];
    byte[] bytes = new byte[dims];
    vectors.restart();
    for (int ord = 0; ord < count; ord++) {
      byteScales[ord] = SketchCodec.quantize(vectors.next(), bytes, 0, null, 0);
      data.writeBytes(bytes, 0, dims);
    }
    for (float s : byteScales) {
      data.writeInt(Float.floatToIntBits(s));
    }
    byte[] residuals = new byte[SketchCodec.residualBytes(dims)];
    vectors.restart();
    for (int ord = 0; ord < count; ord++) {
      SketchCodec.quantize(vectors.next(), bytes, 0, residuals, 0);
      data.writeBytes(residuals, 0, residuals.length);
    }
    meta.writeInt(info.number);
    meta.writeInt(count);
    meta.writeInt(dims);
    meta.writeLong(offset);
    meta.writeLong(data.getFilePointer() - offset);
  }

  @Override
  public void finish() throws IOException {
    floats.finish();
    meta.writeInt(-1);
    CodecUtil.writeFooter(meta);
    CodecUtil.writeFooter(data);
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(meta, data, floats);
  }

  @Override
  public long ramBytesUsed() {
    return floats.ramBytesUsed();
  }
}
