package io.facesearch.gallery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;

/**
 * What a search returns about each document of one segment: {@link GalleryIndexLayout#FACE_ID},
 * {@link GalleryIndexLayout#OWNER_ID} and {@link GalleryIndexLayout#ATTRS}, read from the doc values into the heap
 * once per segment (about 90 bytes per face with 36-character ids), so that a search's matches read no index file.
 * Reading them from the files cost a page fault per field and match where the page cache had let them go.
 * Segments are immutable and documents are replaced whole, so a segment's copy never goes stale.
 */
final class SegmentMatches {

  private final long[] attrs;
  private final Utf8Column faceIds;
  private final Utf8Column ownerIds;

  private SegmentMatches(long[] attrs, Utf8Column faceIds, Utf8Column ownerIds) {
    this.attrs = attrs;
    this.faceIds = faceIds;
    this.ownerIds = ownerIds;
  }

  static SegmentMatches read(LeafReader reader) throws IOException {
    int maxDoc = reader.maxDoc();
    long[] attrs = new long[maxDoc];
    NumericDocValues values = DocValues.getNumeric(reader, GalleryIndexLayout.ATTRS);
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      attrs[doc] = values.longValue();
    }
    return new SegmentMatches(
        attrs,
        Utf8Column.read(reader, GalleryIndexLayout.FACE_ID),
        Utf8Column.read(reader, GalleryIndexLayout.OWNER_ID));
  }

  /** The match for one document, read from the doc values without a copy. */
  static GalleryMatch readOne(LeafReader reader, int doc, float similarity) throws IOException {
    return match(
        GalleryIndexLayout.string(reader, GalleryIndexLayout.FACE_ID, doc),
        GalleryIndexLayout.string(reader, GalleryIndexLayout.OWNER_ID, doc),
        GalleryIndexLayout.numeric(reader, GalleryIndexLayout.ATTRS, doc),
        similarity);
  }

  GalleryMatch match(int doc, float similarity) {
    return match(faceIds.get(doc), ownerIds.get(doc), attrs[doc], similarity);
  }

  private static GalleryMatch match(String faceId, String ownerId, long attrs, float similarity) {
    FaceFlags flags = GalleryIndexLayout.flagsOf(attrs);
    return new GalleryMatch(
        faceId,
        ownerId,
        similarity,
        GalleryIndexLayout.sourceOf(attrs),
        flags.blocklisted(),
        flags.allowlisted());
  }

  /** The UTF-8 values of one binary doc values field, back to back; value {@code doc} ends at {@code ends[doc]}. */
  private record Utf8Column(byte[] bytes, int[] ends) {

    static Utf8Column read(LeafReader reader, String field) throws IOException {
      int maxDoc = reader.maxDoc();
      int[] ends = new int[maxDoc];
      byte[] bytes = new byte[Math.max(16, maxDoc * 16)];
      int length = 0;
      BinaryDocValues values = DocValues.getBinary(reader, field);
      int next = values.nextDoc();
      for (int doc = 0; doc < maxDoc; doc++) {
        if (next == doc) {
          BytesRef value = values.binaryValue();
          if (length + value.length > bytes.length) {
            bytes =
                Arrays.copyOf(
                    bytes,
                    (int)
                        Math.min(
                            Integer.MAX_VALUE - 8,
                            Math.max(2L * bytes.length, length + value.length)));
          }
          System.arraycopy(value.bytes, value.offset, bytes, length, value.length);
          length += value.length;
          next = values.nextDoc();
        }
        ends[doc] = length; // a document without the field (none are written so) reads as ""
      }
      return new Utf8Column(Arrays.copyOf(bytes, length), ends);
    }

    String get(int doc) {
      int start = doc == 0 ? 0 : ends[doc - 1];
      return new String(bytes, start, ends[doc] - start, StandardCharsets.UTF_8);
    }
  }
}
