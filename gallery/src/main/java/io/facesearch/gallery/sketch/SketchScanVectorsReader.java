package io.facesearch.gallery.sketch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;

/** Reads {@link SketchScanVectorsFormat}: the sketches into memory, the float vectors through Lucene's flat reader. */
final class SketchScanVectorsReader extends KnnVectorsReader {

  private final FlatVectorsReader floats;
  private final Map<String, BinarySketches> sketches = new HashMap<>();
  private final int maxDoc;

  private record Entry(FieldInfo info, int count, int dimensions, long offset, long length) {}

  SketchScanVectorsReader(SegmentReadState state, FlatVectorsReader floats) throws IOException {
    this.floats = floats;
    this.maxDoc = state.segmentInfo.maxDoc();
    boolean success = false;
    try {
      List<Entry> entries = readMeta(state);
      readData(state, entries);
      success = true;
    } finally {
      if (!success) {
        IOUtils.closeWhileHandlingException(floats);
      }
    }
  }

  private static List<Entry> readMeta(SegmentReadState state) throws IOException {
    String name =
        IndexFileNames.segmentFileName(
            state.segmentInfo.name, state.segmentSuffix, SketchScanVectorsFormat.META_EXTENSION);
    List<Entry> entries = new ArrayList<>();
    try (ChecksumIndexInput in = state.directory.openChecksumInput(name)) {
      Throwable failure = null;
      try {
        CodecUtil.checkIndexHeader(
            in,
            SketchScanVectorsFormat.META_CODEC,
            SketchScanVectorsFormat.VERSION_START,
            SketchScanVectorsFormat.VERSION_CURRENT,
            state.segmentInfo.getId(),
            state.segmentSuffix);
        for (int number = in.readInt(); number != -1; number = in.readInt()) {
          FieldInfo info = state.fieldInfos.fieldInfo(number);
          if (info == null) {
            throw new CorruptIndexException("unknown vector field number " + number, in);
          }
          entries.add(new Entry(info, in.readInt(), in.readInt(), in.readLong(), in.readLong()));
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        CodecUtil.checkFooter(in, failure);
      }
    }
    return entries;
  }

  private void readData(SegmentReadState state, List<Entry> entries) throws IOException {
    String name =
        IndexFileNames.segmentFileName(
            state.segmentInfo.name, state.segmentSuffix, SketchScanVectorsFormat.DATA_EXTENSION);
    try (ChecksumIndexInput in = state.directory.openChecksumInput(name)) {
      Throwable failure = null;
      try {
        CodecUtil.checkIndexHeader(
            in,
            SketchScanVectorsFormat.DATA_CODEC,
            SketchScanVectorsFormat.VERSION_START,
            SketchScanVectorsFormat.VERSION_CURRENT,
            state.segmentInfo.getId(),
            state.segmentSuffix);
        for (Entry e :
            entries) { // written in this order, so the checksummed input only moves forward
          in.seek(e.offset());
          float[] centroid = new float[e.dimensions()];
          in.readFloats(centroid, 0, centroid.length);
          long[] codes = new long[Math.multiplyExact(e.count(), SketchCodec.words(e.dimensions()))];
          in.readLongs(codes, 0, codes.length);
          float[] factors = new float[e.count()];
          in.readFloats(factors, 0, factors.length);
          byte[] bytes = new byte[Math.multiplyExact(e.count(), e.dimensions())];
          in.readBytes(bytes, 0, bytes.length);
          float[] byteScales = new float[e.count()];
          in.readFloats(byteScales, 0, byteScales.length);
          byte[] residuals =
              new byte[Math.multiplyExact(e.count(), SketchCodec.residualBytes(e.dimensions()))];
          in.readBytes(residuals, 0, residuals.length);
          if (in.getFilePointer() != e.offset() + e.length()) {
            throw new CorruptIndexException(
                "sketches of "
                    + e.info().name
                    + " end at "
                    + in.getFilePointer()
                    + ", expected "
                    + (e.offset() + e.length()),
                in);
          }
          sketches.put(
              e.info().name,
              new BinarySketches(
                  e.dimensions(), centroid, codes, factors, bytes, byteScales, residuals));
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        CodecUtil.checkFooter(in, failure);
      }
    }
  }

  @Override
  public void checkIntegrity() throws IOException {
    floats.checkIntegrity(); // the sketches were checksummed when they were read
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    return floats.getFloatVectorValues(field);
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return floats.getByteVectorValues(field);
  }

  @Override
  public void search(String field, float[] target, KnnCollector collector, AcceptDocs acceptDocs)
      throws IOException {
    BinarySketches fieldSketches = sketches.get(field);
    if (fieldSketches == null || fieldSketches.count == 0) {
      return;
    }
    Bits accept = acceptDocs == null ? null : acceptDocs.bits();
    if (fieldSketches.count == maxDoc) {
      fieldSketches.search(target, collector, accept, null);
    } else {
      FloatVectorValues values = floats.getFloatVectorValues(field);
      fieldSketches.search(target, collector, accept, values::ordToDoc);
    }
  }

  @Override
  public void search(String field, byte[] target, KnnCollector collector, AcceptDocs acceptDocs) {
    throw new UnsupportedOperationException(
        SketchScanVectorsFormat.NAME + " indexes float32 vectors only");
  }

  @Override
  public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
    return floats.getOffHeapByteSize(fieldInfo);
  }

  @Override
  public void close() throws IOException {
    floats.close();
  }
}
