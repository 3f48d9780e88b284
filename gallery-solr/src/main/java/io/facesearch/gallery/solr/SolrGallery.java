package io.facesearch.gallery.solr;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudLegacySolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.ZkClientClusterStateProvider;
import org.apache.solr.client.solrj.request.AbstractUpdateRequest;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.QueryRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.cloud.Slice;
import org.apache.solr.common.cloud.SolrZkClient;
import org.apache.solr.common.cloud.ZkStateReader;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gallery on SolrCloud: one Solr document per face in a collection of the shipped configset (see
 * {@code configset/schema.xml}), searched with the {@code {!knn}} query (HNSW per shard) pre-filtered by
 * {@code fq}: the tenant always, the model id, searchability, the {@link GalleryFilter.Scope} and the excluded
 * sources. Several nodes may each open a SolrGallery on the same collection.
 *
 * <p>Read-your-writes: every write is sent with {@code commit=true&softCommit=true&waitSearcher=true}; Solr
 * distributes the soft commit to every replica of every shard and answers once each has opened its new searcher,
 * so when {@link #add} returns, a search through any node and any replica sees the face: the visibility bound is
 * the add's own latency. The cost is a new searcher on every replica per write: an add took p50 89 ms, max 167 ms
 * (2 shards x 2 replicas, 2 nodes, on the shared 2-core machine at load 12; SolrGalleryClusterTest prints it).
 * Concurrent writes each commit; Solr serialises the commits. Durability comes from Solr's transaction log (every replica
 * writes the update before the write is acknowledged) and the configset's hard autoCommit (15 s).
 *
 * <p>Similarities: Lucene scores a dot product {@code (1 + dot) / 2} in float; the gallery reports
 * {@code 2 * score - 1}, the float dot product to within float rounding (the tests allow 1e-5).
 *
 * <p>A {@link #rebuild} holds this instance's writes (other nodes' writes are not held) and replaces the content
 * with one commit at its end: searches see the old content until then.
 */
public final class SolrGallery implements Gallery {

  /** The configset's name in ZooKeeper; its version suffix changes whenever the configset changes. */
  public static final String CONFIGSET = "facesearch-faces-v2";

  /** The vector dimension of the configset's schema. */
  public static final int DIMENSIONS = 512;

  /** The configset's files (classpath resources next to this class), the schema last: its presence marks a
   * complete upload. */
  private static final String[] CONFIG_FILES = {"solrconfig.xml", "schema.xml"};

  private static final float UNIT_NORM_TOLERANCE = 1e-3f;
  private static final int BATCH = 500;
  private static final int PAGE = 1000;
  private static final Comparator<GalleryMatch> BEST_FIRST =
      Comparator.comparingDouble((GalleryMatch m) -> -m.similarity())
          .thenComparing(GalleryMatch::faceId);
  private static final Logger log = LoggerFactory.getLogger(SolrGallery.class);

  // Field names of the schema.
  static final String ID = "id";
  static final String APP = "app";
  static final String SESSION = "session";
  static final String SOURCE = "source";
  static final String MODEL = "model";
  static final String BLOCKLISTED = "blocklisted";
  static final String ALLOWLISTED = "allowlisted";
  static final String APPROVED = "approved";
  static final String SEARCHABLE = "searchable";
  static final String CREATED = "created";
  static final String VECTOR = "vector";
  private static final String VERSION = "_version_";

  private final CloudSolrClient client;
  private final SolrGalleryConfig config;

  /** Writes share it; a rebuild takes it exclusively. */
  private final ReentrantReadWriteLock writes = new ReentrantReadWriteLock();

  private SolrGallery(CloudSolrClient client, SolrGalleryConfig config) {
    this.client = client;
    this.config = config;
  }

  /**
   * Connects to the SolrCloud of {@code config.zkHost()} (through SolrJ's Apache HttpClient transport: its HTTP/2
   * client needs Jetty 10, which cannot share a class path with the server's Jetty 12), uploads the configset and creates the collection when
   * they are missing, and waits (up to 2 minutes) until every shard has an active leader.
   */
  @SuppressWarnings(
      "deprecation") // CloudLegacySolrClient: deprecated in SolrJ 9, the one without Jetty
  public static SolrGallery open(SolrGalleryConfig config) {
    CloudSolrClient client =
        new CloudLegacySolrClient.Builder(config.zkHosts(), config.zkChroot())
            .withDefaultCollection(config.collection())
            .build();
    try {
      client.connect(60, TimeUnit.SECONDS);
      ensureCollection(client, config);
      return new SolrGallery(client, config);
    } catch (RuntimeException | Error e) {
      closeQuietly(client);
      throw e;
    } catch (Exception e) {
      closeQuietly(client);
      throw new SolrGalleryException("cannot open the Solr gallery at " + config.zkHost(), e);
    }
  }

  private static void ensureCollection(CloudSolrClient client, SolrGalleryConfig config)
      throws Exception {
    ZkStateReader reader = ZkClientClusterStateProvider.from(client).getZkStateReader();
    SolrZkClient zk = reader.getZkClient();
    String configPath = "/configs/" + CONFIGSET;
    if (!zk.exists(configPath + "/" + CONFIG_FILES[CONFIG_FILES.length - 1], true)) {
      for (String file : CONFIG_FILES) {
        zk.makePath(configPath + "/" + file, configsetFile(file), CreateMode.PERSISTENT, true);
      }
      log.info("uploaded configset {}", CONFIGSET);
    }
    if (!reader.getClusterState().hasCollection(config.collection())) {
      try {
        CollectionAdminRequest.createCollection(
                config.collection(), CONFIGSET, config.shards(), config.replicationFactor())
            .process(client);
        log.info(
            "created collection {} ({} shards x {} replicas)",
            config.collection(),
            config.shards(),
            config.replicationFactor());
      } catch (SolrException e) {
        // Another node may have created it meanwhile.
        reader.forceUpdateCollection(config.collection());
        if (!reader.getClusterState().hasCollection(config.collection())) {
          throw e;
        }
      }
    }
    reader.waitForState(
        config.collection(), 120, TimeUnit.SECONDS, SolrGallery::everyShardHasALeader);
  }

  private static boolean everyShardHasALeader(
      java.util.Set<String> liveNodes, DocCollection collection) {
    if (collection == null || collection.getActiveSlices().isEmpty()) {
      return false;
    }
    for (Slice slice : collection.getActiveSlices()) {
      Replica leader = slice.getLeader();
      if (leader == null || !leader.isActive(liveNodes)) {
        return false;
      }
    }
    return true;
  }

  /** A file of the shipped configset ({@code solrconfig.xml}, {@code schema.xml}), as uploaded. */
  public static byte[] configsetFile(String file) throws IOException {
    try (InputStream in = SolrGallery.class.getResourceAsStream("configset/" + file)) {
      if (in == null) {
        throw new IOException("configset file missing from the class path: " + file);
      }
      return in.readAllBytes();
    }
  }

  public SolrGalleryConfig config() {
    return config;
  }

  @Override
  public void add(StoredFace face) {
    requireUnit(face.embedding());
    UpdateRequest request = new UpdateRequest();
    request.add(document(face));
    write(request);
  }

  @Override
  public void forEachState(Consumer<FaceState> action) {
    SolrQuery query = new SolrQuery("*:*");
    query.setFields(ID, MODEL, BLOCKLISTED, ALLOWLISTED, APPROVED, SEARCHABLE);
    query.setRows(PAGE);
    query.setSort(ID, SolrQuery.ORDER.asc);
    String cursor = CursorMarkParams.CURSOR_MARK_START;
    while (true) {
      query.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
      QueryResponse response = query(query);
      for (SolrDocument doc : response.getResults()) {
        action.accept(
            new FaceState(
                (String) doc.getFieldValue(ID), flagsOf(doc), (String) doc.getFieldValue(MODEL)));
      }
      String next = response.getNextCursorMark();
      if (next == null || next.equals(cursor)) {
        return;
      }
      cursor = next;
    }
  }

  @Override
  public boolean remove(String faceId) {
    UpdateRequest request = new UpdateRequest();
    // Version 1: the document must exist, else Solr answers 409 (atomically, on the shard leader).
    request.deleteById(faceId, null, 1L);
    return writeUnlessMissing(request);
  }

  @Override
  public boolean update(String faceId, FaceFlags flags) {
    SolrInputDocument doc = new SolrInputDocument();
    doc.addField(ID, faceId);
    doc.addField(BLOCKLISTED, Map.of("set", flags.blocklisted()));
    doc.addField(ALLOWLISTED, Map.of("set", flags.allowlisted()));
    doc.addField(APPROVED, Map.of("set", flags.approved()));
    doc.addField(SEARCHABLE, Map.of("set", flags.searchable()));
    doc.addField(VERSION, 1L); // the document must exist
    UpdateRequest request = new UpdateRequest();
    request.add(doc);
    return writeUnlessMissing(request);
  }

  @Override
  public List<GalleryMatch> search(GalleryQuery query) {
    requireUnit(query.vector());
    int topK = Math.max(query.k(), config.candidates());
    SolrQuery solr =
        new SolrQuery("{!knn f=" + VECTOR + " topK=" + topK + "}" + vectorText(query.vector()));
    filter(solr, query.filter());
    solr.addFilterQuery("{!term f=" + MODEL + " v=$fs.model}");
    solr.set("fs.model", query.modelId());
    solr.setRows(query.k());
    solr.setFields(ID, SESSION, SOURCE, BLOCKLISTED, ALLOWLISTED, "score");
    QueryResponse response = query(solr);
    List<GalleryMatch> matches = new ArrayList<>(response.getResults().size());
    for (SolrDocument doc : response.getResults()) {
      float score = ((Number) doc.getFieldValue("score")).floatValue();
      float similarity = 2 * score - 1;
      if (similarity < query.minSimilarity()) {
        continue;
      }
      matches.add(
          new GalleryMatch(
              (String) doc.getFieldValue(ID),
              (String) doc.getFieldValue(SESSION),
              similarity,
              FaceSource.fromWireName((String) doc.getFieldValue(SOURCE)),
              (Boolean) doc.getFieldValue(BLOCKLISTED),
              (Boolean) doc.getFieldValue(ALLOWLISTED)));
    }
    matches.sort(BEST_FIRST);
    return matches;
  }

  @Override
  public long count(String applicationId) {
    SolrQuery solr = new SolrQuery("*:*");
    solr.addFilterQuery("{!term f=" + APP + " v=$fs.app}");
    solr.set("fs.app", applicationId);
    solr.setRows(0);
    return query(solr).getResults().getNumFound();
  }

  /** Whether the collection holds no face at all, of any tenant (a new or emptied collection). */
  public boolean isEmpty() {
    return size() == 0;
  }

  /** How many faces the collection holds, of every tenant. */
  public long size() {
    SolrQuery solr = new SolrQuery("*:*");
    solr.setRows(0);
    return query(solr).getResults().getNumFound();
  }

  /** The name of the configset the collection was created on (as ZooKeeper says). */
  public String configset() {
    return collectionState().getConfigName();
  }

  /** How many active shards the collection has now (as ZooKeeper says). */
  public int shards() {
    return collectionState().getActiveSlices().size();
  }

  private DocCollection collectionState() {
    return ZkClientClusterStateProvider.from(client)
        .getZkStateReader()
        .getClusterState()
        .getCollection(config.collection());
  }

  @Override
  public long count(GalleryFilter filter) {
    SolrQuery solr = new SolrQuery("*:*");
    filter(solr, filter);
    solr.setRows(0);
    return query(solr).getResults().getNumFound();
  }

  /**
   * Adds the filter queries of {@code filter}: the tenant, searchability, the scope ({@link GalleryFilter.Scope}
   * accepts, in Solr's query syntax) and the excluded sources. Each is its own {@code fq}, cached by Solr.
   */
  private static void filter(SolrQuery solr, GalleryFilter filter) {
    solr.addFilterQuery("{!term f=" + APP + " v=$fs.app}");
    solr.set("fs.app", filter.applicationId());
    solr.addFilterQuery(SEARCHABLE + ":true");
    String api = SOURCE + ":" + FaceSource.API.wireName();
    String scope =
        switch (filter.scope()) {
          case SEARCHABLE -> null;
          case BLOCKLISTED_OR_APPROVED -> BLOCKLISTED + ":true OR " + APPROVED + ":true";
          case BLOCKLISTED -> BLOCKLISTED + ":true";
          case ALLOWLISTED -> ALLOWLISTED + ":true";
          case APPROVED_NOT_API -> BLOCKLISTED + ":true OR (" + APPROVED + ":true -" + api + ")";
          case NOT_API -> BLOCKLISTED + ":true OR (*:* -" + api + ")";
        };
    if (scope != null) {
      solr.addFilterQuery(scope);
    }
    if (!filter.excludedSources().isEmpty()) {
      StringBuilder excluded = new StringBuilder("*:*");
      for (FaceSource source : FaceSource.values()) { // a stable order: one cached filter per set
        if (filter.excludedSources().contains(source)) {
          excluded.append(" -").append(SOURCE).append(':').append(source.wireName());
        }
      }
      solr.addFilterQuery(excluded.toString());
    }
  }

  @Override
  public void rebuild(GalleryTruth truth) {
    writes.writeLock().lock();
    try {
      long start = System.nanoTime();
      client.deleteByQuery("*:*");
      List<SolrInputDocument> batch = new ArrayList<>(BATCH);
      long[] count = new long[1];
      truth.forEachFace(
          face -> {
            requireUnit(face.embedding());
            batch.add(document(face));
            count[0]++;
            if (batch.size() == BATCH) {
              addBatch(batch);
            }
          });
      if (!batch.isEmpty()) {
        addBatch(batch);
      }
      client.commit(true, true); // a hard commit that opens a searcher
      log.info(
          "solr gallery {}: rebuilt from the truth: {} faces in {} ms",
          config.collection(),
          count[0],
          (System.nanoTime() - start) / 1_000_000);
    } catch (SolrServerException | IOException e) {
      throw new SolrGalleryException("rebuild of " + config.collection() + " failed", e);
    } finally {
      writes.writeLock().unlock();
    }
  }

  private void addBatch(List<SolrInputDocument> batch) {
    try {
      client.add(batch);
    } catch (SolrServerException | IOException e) {
      throw new SolrGalleryException("indexing a batch failed", e);
    }
    batch.clear();
  }

  /** An expunging hard commit: segments holding deleted faces are rewritten without them. */
  @Override
  public boolean purgeRemoved() {
    UpdateRequest request = new UpdateRequest();
    request.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true);
    request.setParam("expungeDeletes", "true");
    try {
      request.process(client);
      return true;
    } catch (SolrServerException | IOException e) {
      throw new SolrGalleryException("expunging deletes failed", e);
    }
  }

  @Override
  public void commit() {
    try {
      client.commit(true, true, false);
    } catch (SolrServerException | IOException e) {
      throw new SolrGalleryException("commit failed", e);
    }
  }

  @Override
  public void close() {
    closeQuietly(client);
  }

  /** Sends {@code request} with a soft commit that every replica applies before the answer (read-your-writes). */
  private void write(UpdateRequest request) {
    request.setAction(AbstractUpdateRequest.ACTION.COMMIT, false, true, true);
    writes.readLock().lock();
    try {
      request.process(client);
    } catch (SolrServerException | IOException e) {
      throw new SolrGalleryException("write to " + config.collection() + " failed", e);
    } finally {
      writes.readLock().unlock();
    }
  }

  /** {@link #write}, false when Solr refuses it because the document does not exist (version conflict). */
  private boolean writeUnlessMissing(UpdateRequest request) {
    try {
      write(request);
      return true;
    } catch (SolrGalleryException e) {
      if (isVersionConflict(e.getCause())) {
        return false;
      }
      throw e;
    } catch (SolrException e) {
      if (isVersionConflict(e)) {
        return false;
      }
      throw e;
    }
  }

  private static boolean isVersionConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SolrException solr && solr.code() == SolrException.ErrorCode.CONFLICT.code) {
        return true;
      }
    }
    return false;
  }

  private QueryResponse query(SolrQuery query) {
    try {
      return new QueryRequest(query, SolrRequest.METHOD.POST).process(client, config.collection());
    } catch (SolrServerException | IOException e) {
      throw new SolrGalleryException("search in " + config.collection() + " failed", e);
    }
  }

  private static SolrInputDocument document(StoredFace face) {
    SolrInputDocument doc = new SolrInputDocument();
    doc.addField(ID, face.faceId());
    doc.addField(APP, face.applicationId());
    doc.addField(SESSION, face.ownerId());
    doc.addField(SOURCE, face.source().wireName());
    doc.addField(MODEL, face.modelId());
    doc.addField(BLOCKLISTED, face.blocklisted());
    doc.addField(ALLOWLISTED, face.allowlisted());
    doc.addField(APPROVED, face.approved());
    doc.addField(SEARCHABLE, face.searchable());
    doc.addField(CREATED, Date.from(face.createdAt()));
    List<Float> vector = new ArrayList<>(face.embedding().length);
    for (float x : face.embedding()) {
      vector.add(x);
    }
    doc.addField(VECTOR, vector);
    return doc;
  }

  private static FaceFlags flagsOf(SolrDocument doc) {
    return new FaceFlags(
        (Boolean) doc.getFieldValue(BLOCKLISTED),
        (Boolean) doc.getFieldValue(ALLOWLISTED),
        (Boolean) doc.getFieldValue(APPROVED),
        (Boolean) doc.getFieldValue(SEARCHABLE));
  }

  /** The knn query's vector: {@link Float#toString} round-trips every float exactly. */
  private static String vectorText(float[] vector) {
    StringBuilder text = new StringBuilder(vector.length * 12).append('[');
    for (int d = 0; d < vector.length; d++) {
      if (d > 0) {
        text.append(',');
      }
      text.append(vector[d]);
    }
    return text.append(']').toString();
  }

  private static void requireUnit(float[] vector) {
    if (vector.length != DIMENSIONS) {
      throw new IllegalArgumentException(
          "expected " + DIMENSIONS + " dimensions, got " + vector.length);
    }
    double sum = 0;
    for (float x : vector) {
      sum += (double) x * x;
    }
    if (!(Math.abs(Math.sqrt(sum) - 1) <= UNIT_NORM_TOLERANCE)) {
      throw new IllegalArgumentException("embedding is not L2-normalised");
    }
  }

  private static void closeQuietly(CloudSolrClient client) {
    try {
      client.close();
    } catch (IOException | RuntimeException e) {
      log.warn("closing the Solr client failed: {}", e.toString());
    }
  }
}
