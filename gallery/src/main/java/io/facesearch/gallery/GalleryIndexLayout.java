package io.facesearch.gallery;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The persisted layout of a {@link LuceneGallery} index: one Lucene document per face.
 *
 * <table>
 * <caption>Fields</caption>
 * <tr><th>field</th><th>Lucene type</th><th>content</th></tr>
 * <tr><td>{@code face_id}</td><td>indexed term + binary doc values</td><td>the face id (UTF-8); the key of
 *     updates and deletes</td></tr>
 * <tr><td>{@code scope}</td><td>indexed terms, several per face, not stored</td><td>{@code t:<applicationId>}
 *     for every face (counting), {@code s:<applicationId>} for a searchable face, {@code b:<applicationId>} for a
 *     searchable face that is blocklisted or whose session is approved, {@code l:<applicationId>} for a searchable
 *     blocklisted face, {@code w:<applicationId>} for a searchable allowlisted face, {@code c:<applicationId>} for a
 *     searchable face that is blocklisted or approved and not from a saved API search (a face search's default
 *     candidates), {@code n:<applicationId>} for a searchable face that is blocklisted or not from a saved API
 *     search. The filter of every search is one of
 *     these terms, so the tenant and searchability are a single postings list.</td></tr>
 * <tr><td>{@code source}</td><td>indexed term</td><td>{@link FaceSource#wireName()}; excluded sources are
 *     {@code MUST_NOT} clauses</td></tr>
 * <tr><td>{@code embedding}</td><td>float vector, {@code dims} (512) entries,
 *     {@link VectorSimilarityFunction#DOT_PRODUCT}</td><td>the L2-normalised embedding. Its per-field vectors format,
 *     {@link io.facesearch.gallery.sketch.SketchScanVectorsFormat} (whose javadoc documents its files), keeps the
 *     raw float32 vectors ({@code .vec}: what merges read, and the re-scoring of the sketch scan's hits at a
 *     boundary) and, per vector, a 1-bit sketch and its correction factor that every search scans, and a 12-bit copy
 *     (int8 bytes, a scale and 4-bit residuals) that scores the best candidates ({@code .fsk}, 840 bytes for
 *     512-d).</td></tr>
 * <tr><td>{@code model_id}</td><td>indexed term + binary doc values</td><td>the id of the model that produced the
 *     embedding (UTF-8). Every search filters on the term of its {@link GalleryQuery#modelId()} (the clause is
 *     dropped when the term is on every document), so vectors of different models are never compared.</td></tr>
 * <tr><td>{@code application_id}, {@code session_id} (the owner id)</td><td>binary doc values</td><td>UTF-8 strings</td></tr>
 * <tr><td>{@code attrs}</td><td>numeric doc values</td><td>bits 0-3: blocklisted, allowlisted, approved,
 *     searchable ({@link FaceFlags}); bits 8-15: {@link FaceSource} code</td></tr>
 * <tr><td>{@code created_at}</td><td>numeric doc values</td><td>nanoseconds since the epoch</td></tr>
 * </table>
 *
 * <p>Lucene's DOT_PRODUCT score is {@code (1 + dot) / 2}; the gallery never exposes it: it reports {@code dot}, from
 * the sketch format's 12-bit copies, or the float vectors for the hits at a boundary.
 *
 * <p>Every commit carries user data {@value #LAYOUT_VERSION_KEY} = {@value #LAYOUT_VERSION}, {@value #DIMENSIONS_KEY}
 * and {@value #VECTORS_KEY} (the vectors format and its settings). On open, an index without them, with an older
 * layout version, other dimensions or another vectors format is rebuilt from the truth; an index with a newer layout
 * version is refused (it was written by a newer facesearch).
 * Change {@link #LAYOUT_VERSION} whenever anything in this table changes.
 */
final class GalleryIndexLayout {

  /**
   * 1: int7 quantised HNSW; 2: binary-quantised (BBQ) HNSW; 3: sketch scan by default, vectors key; 4: the sketch
   * format keeps byte vectors too (its version 1); 5: and their 4-bit residuals (its version 2); 6: scope terms of the blocklisted and of the
   * allowlisted faces (the lists are searched on their own) and of a face search's candidates without saved API
   * searches; 7: the model id is an indexed term too (every search filters on it; an index of version 6 lacks
   * the term, so that it would find nothing, and is rebuilt).
   */
  static final int LAYOUT_VERSION = 7;

  static final String LAYOUT_VERSION_KEY = "facesearch.gallery.layout";
  static final String DIMENSIONS_KEY = "facesearch.gallery.dims";
  static final String VECTORS_KEY = "facesearch.gallery.vectors";

  static final String FACE_ID = "face_id";
  static final String SCOPE = "scope";
  static final String SOURCE = "source";
  static final String EMBEDDING = "embedding";
  static final String APPLICATION_ID = "application_id";

  /** The face's owner ({@link StoredFace#ownerId()}); named {@code session_id} since version 1, when every owner was one. */
  static final String OWNER_ID = "session_id";

  static final String MODEL_ID = "model_id";
  static final String ATTRS = "attrs";
  static final String CREATED_AT = "created_at";

  private static final String ALL_PREFIX = "t:";
  private static final String SEARCHABLE_PREFIX = "s:";
  private static final String BLOCKLISTED_OR_APPROVED_PREFIX = "b:";
  private static final String BLOCKLISTED_PREFIX = "l:";
  private static final String ALLOWLISTED_PREFIX = "w:";
  private static final String APPROVED_NOT_API_PREFIX = "c:";
  private static final String NOT_API_PREFIX = "n:";
  private static final int FLAG_MASK = 0xF;
  private static final int SOURCE_SHIFT = 8;

  private GalleryIndexLayout() {}

  static Map<String, String> commitUserData(int dimensions, String vectors) {
    return Map.of(
        LAYOUT_VERSION_KEY,
        Integer.toString(LAYOUT_VERSION),
        DIMENSIONS_KEY,
        Integer.toString(dimensions),
        VECTORS_KEY,
        vectors);
  }

  /** Why an index with this commit user data must be rebuilt, or null when it is current. */
  static String staleReason(Map<String, String> userData, int dimensions, String vectors) {
    String version = userData.get(LAYOUT_VERSION_KEY);
    if (version == null) {
      return "the index has no layout version";
    }
    int found;
    try {
      found = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      return "the index has an unreadable layout version '" + version + "'";
    }
    if (found > LAYOUT_VERSION) {
      throw new IllegalStateException(
          "the gallery index has layout version "
              + found
              + ", newer than this facesearch understands ("
              + LAYOUT_VERSION
              + "); upgrade facesearch or delete the index directory to rebuild it from the database");
    }
    if (found < LAYOUT_VERSION) {
      return "the index has layout version " + found + ", this facesearch writes " + LAYOUT_VERSION;
    }
    if (!Integer.toString(dimensions).equals(userData.get(DIMENSIONS_KEY))) {
      return "the index has "
          + userData.get(DIMENSIONS_KEY)
          + "-d embeddings, the gallery is configured for "
          + dimensions;
    }
    if (!vectors.equals(userData.get(VECTORS_KEY))) {
      return "the index searches with "
          + userData.get(VECTORS_KEY)
          + ", the gallery is configured for "
          + vectors;
    }
    return null;
  }

  static Term faceIdTerm(String faceId) {
    return new Term(FACE_ID, faceId);
  }

  static Term tenantTerm(String applicationId) {
    return new Term(SCOPE, ALL_PREFIX + applicationId);
  }

  /** The scope term of a search: the tenant's searchable, or searchable and blocklisted-or-approved, faces. */
  static Term scopeTerm(GalleryFilter filter) {
    String prefix =
        switch (filter.scope()) {
          case SEARCHABLE -> SEARCHABLE_PREFIX;
          case BLOCKLISTED_OR_APPROVED -> BLOCKLISTED_OR_APPROVED_PREFIX;
          case BLOCKLISTED -> BLOCKLISTED_PREFIX;
          case ALLOWLISTED -> ALLOWLISTED_PREFIX;
          case APPROVED_NOT_API -> APPROVED_NOT_API_PREFIX;
          case NOT_API -> NOT_API_PREFIX;
        };
    return new Term(SCOPE, prefix + filter.applicationId());
  }

  static Term modelTerm(String modelId) {
    return new Term(MODEL_ID, modelId);
  }

  /** The filter of a count: the scope term, plus a MUST_NOT clause per excluded source. */
  static Query filterQuery(GalleryFilter filter) {
    return filterQuery(filter, null);
  }

  /**
   * The filter of a search: the scope term, the model term unless {@code modelId} is null (the caller knows that
   * every document has it), plus a MUST_NOT clause per excluded source.
   */
  static Query filterQuery(GalleryFilter filter, String modelId) {
    Query scope = new TermQuery(scopeTerm(filter));
    if (filter.excludedSources().isEmpty() && modelId == null) {
      return scope;
    }
    BooleanQuery.Builder builder =
        new BooleanQuery.Builder().add(scope, BooleanClause.Occur.FILTER);
    if (modelId != null) {
      builder.add(new TermQuery(modelTerm(modelId)), BooleanClause.Occur.FILTER);
    }
    for (FaceSource source : filter.excludedSources()) {
      builder.add(new TermQuery(new Term(SOURCE, source.wireName())), BooleanClause.Occur.MUST_NOT);
    }
    return builder.build();
  }

  static Document toDocument(StoredFace face) {
    FaceFlags flags = face.flags();
    String app = face.applicationId();
    Document doc = new Document();
    doc.add(new StringField(FACE_ID, face.faceId(), Field.Store.NO));
    doc.add(new BinaryDocValuesField(FACE_ID, new BytesRef(face.faceId())));
    doc.add(new StringField(SCOPE, ALL_PREFIX + app, Field.Store.NO));
    if (flags.searchable()) {
      doc.add(new StringField(SCOPE, SEARCHABLE_PREFIX + app, Field.Store.NO));
      if (flags.blocklistedOrApproved()) {
        doc.add(new StringField(SCOPE, BLOCKLISTED_OR_APPROVED_PREFIX + app, Field.Store.NO));
      }
      if (flags.blocklisted()) {
        doc.add(new StringField(SCOPE, BLOCKLISTED_PREFIX + app, Field.Store.NO));
      }
      if (flags.allowlisted()) {
        doc.add(new StringField(SCOPE, ALLOWLISTED_PREFIX + app, Field.Store.NO));
      }
      if (GalleryFilter.Scope.APPROVED_NOT_API.accepts(flags, face.source())) {
        doc.add(new StringField(SCOPE, APPROVED_NOT_API_PREFIX + app, Field.Store.NO));
      }
      if (GalleryFilter.Scope.NOT_API.accepts(flags, face.source())) {
        doc.add(new StringField(SCOPE, NOT_API_PREFIX + app, Field.Store.NO));
      }
    }
    doc.add(new StringField(SOURCE, face.source().wireName(), Field.Store.NO));
    doc.add(
        new KnnFloatVectorField(EMBEDDING, face.embedding(), VectorSimilarityFunction.DOT_PRODUCT));
    doc.add(new BinaryDocValuesField(APPLICATION_ID, new BytesRef(app)));
    doc.add(new BinaryDocValuesField(OWNER_ID, new BytesRef(face.ownerId())));
    doc.add(new StringField(MODEL_ID, face.modelId(), Field.Store.NO));
    doc.add(new BinaryDocValuesField(MODEL_ID, new BytesRef(face.modelId())));
    doc.add(new NumericDocValuesField(ATTRS, attrs(flags, face.source())));
    doc.add(new NumericDocValuesField(CREATED_AT, epochNanos(face.createdAt())));
    return doc;
  }

  static long attrs(FaceFlags flags, FaceSource source) {
    return flags.bits() | ((long) source.code() << SOURCE_SHIFT);
  }

  static FaceFlags flagsOf(long attrs) {
    return FaceFlags.fromBits((int) (attrs & FLAG_MASK));
  }

  static FaceSource sourceOf(long attrs) {
    return FaceSource.fromCode((int) (attrs >>> SOURCE_SHIFT) & 0xFF);
  }

  private static long epochNanos(Instant instant) {
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("createdAt out of range: " + instant, e);
    }
  }

  /** Reads the face stored in document {@code doc} of {@code reader}, embedding included. */
  static StoredFace readFace(LeafReader reader, int doc) throws IOException {
    long attrs = numeric(reader, ATTRS, doc);
    FaceFlags flags = flagsOf(attrs);
    FloatVectorValues vectors = reader.getFloatVectorValues(EMBEDDING);
    KnnVectorValues.DocIndexIterator it = vectors.iterator();
    if (it.advance(doc) != doc) {
      throw new IllegalStateException("document " + doc + " has no embedding");
    }
    float[] embedding = vectors.vectorValue(it.index()).clone();
    long nanos = numeric(reader, CREATED_AT, doc);
    return new StoredFace(
        string(reader, FACE_ID, doc),
        string(reader, APPLICATION_ID, doc),
        string(reader, OWNER_ID, doc),
        sourceOf(attrs),
        flags.blocklisted(),
        flags.allowlisted(),
        flags.approved(),
        flags.searchable(),
        string(reader, MODEL_ID, doc),
        Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)),
        embedding);
  }

  static String string(LeafReader reader, String field, int doc) throws IOException {
    BinaryDocValues values = DocValues.getBinary(reader, field);
    if (!values.advanceExact(doc)) {
      throw new IllegalStateException("document " + doc + " has no " + field);
    }
    return values.binaryValue().utf8ToString();
  }

  static long numeric(LeafReader reader, String field, int doc) throws IOException {
    NumericDocValues values = DocValues.getNumeric(reader, field);
    if (!values.advanceExact(doc)) {
      throw new IllegalStateException("document " + doc + " has no " + field);
    }
    return values.longValue();
  }
}
