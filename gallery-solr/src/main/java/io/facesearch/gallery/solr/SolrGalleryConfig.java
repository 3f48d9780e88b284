package io.facesearch.gallery.solr;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how a {@link SolrGallery} keeps its faces.
 *
 * @param zkHost            the ZooKeeper ensemble of the SolrCloud: {@code HOST:PORT[,HOST:PORT...][/chroot]}
 * @param collection        the collection of the faces; created (with the shipped configset) when missing
 * @param shards            the number of shards of a created collection
 * @param replicationFactor the number of replicas of each shard of a created collection
 * @param candidates        how many nearest neighbours each shard's HNSW search collects (the knn query's
 *                          {@code topK}); a search for k matches uses {@code max(k, candidates)}
 */
public record SolrGalleryConfig(
    String zkHost, String collection, int shards, int replicationFactor, int candidates) {

  /** The default collection name. */
  public static final String DEFAULT_COLLECTION = "faces";

  /**
   * The default candidate count (the knn query's topK, per shard and per segment). Measured by {@code bench gallery
   * --index solr} on the face-like background (real LFW probes among synthetic faces; one shard merged into one
   * segment; docs/cluster.md) with the shipped configset (v2: HNSW M=32, beam width 200), recall@10 against exact
   * search: at 100,000 faces 0.9930 at 500 candidates, 0.9992 at 1,000, 0.9998 at 2,000; at 300,000 faces 0.9596
   * at 500, 0.9893 at 1,000 and 0.9978 at 2,000 (p50 46.6 ms on the 2-core test machine). Configset v1 (M=16, beam
   * 100) needed 2,000 candidates for 0.991 at 100,000 faces and gave 0.853 at 1,000,000.
   */
  public static final int DEFAULT_CANDIDATES = 2000;

  /**
   * The most faces per shard at which {@link #DEFAULT_CANDIDATES} was measured to reach recall@10 0.99 with the
   * shipped configset: 0.9978 at 300,000 faces. Larger shards were not measured with it (an optimize of 300,000
   * faces took 45 minutes here); recall falls as a shard grows.
   */
  public static final long MEASURED_FACES_PER_SHARD = 300_000;

  /**
   * A warning for an operator when {@code faces} in {@code shards} shards are more per shard than
   * {@link #MEASURED_FACES_PER_SHARD}, where searches may miss faces they would find in smaller shards; else empty.
   */
  public static Optional<String> shardSizeWarning(long faces, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + shards);
    }
    long perShard = faces / shards;
    if (perShard <= MEASURED_FACES_PER_SHARD) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the Solr gallery holds %,d faces in %d shard(s), %,d per shard: recall@10 >= 0.99 was measured up to"
                + " %,d per shard, and an HNSW search misses more faces as its shard grows; add shards"
                + " (docs/cluster.md, Sizing)",
            faces,
            shards,
            perShard,
            MEASURED_FACES_PER_SHARD));
  }

  /**
   * A warning for an operator when the collection was created on a configset other than the one this release
   * ships ({@link SolrGallery#CONFIGSET}): searches keep working on it, with that configset's recall, which the
   * figures of this release do not describe; else empty.
   */
  public static Optional<String> configsetWarning(String collection, String configset) {
    if (SolrGallery.CONFIGSET.equals(configset)) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the Solr collection %s was created on the configset %s; this release ships %s, whose HNSW graph"
                + " finds more of the exact top 10 (docs/cluster.md): move to a new collection on it"
                + " (--solr-collection; the nodes fill it from PostgreSQL)",
            collection,
            configset,
            SolrGallery.CONFIGSET));
  }

  public SolrGalleryConfig {
    Objects.requireNonNull(zkHost, "zkHost");
    Objects.requireNonNull(collection, "collection");
    if (shards < 1 || replicationFactor < 1) {
      throw new IllegalArgumentException("shards and replicationFactor must be at least 1");
    }
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be at least 1, got " + candidates);
    }
  }

  /** The defaults for one ZooKeeper address: collection "faces", 1 shard, 1 replica, the default candidates. */
  public static SolrGalleryConfig of(String zkHost) {
    return new SolrGalleryConfig(zkHost, DEFAULT_COLLECTION, 1, 1, DEFAULT_CANDIDATES);
  }

  /** The ZooKeeper hosts of {@link #zkHost} (before the chroot). */
  java.util.List<String> zkHosts() {
    int slash = zkHost.indexOf('/');
    String hosts = slash < 0 ? zkHost : zkHost.substring(0, slash);
    return java.util.List.of(hosts.split(","));
  }

  /** The chroot of {@link #zkHost}, if any. */
  java.util.Optional<String> zkChroot() {
    int slash = zkHost.indexOf('/');
    return slash < 0 || slash == zkHost.length() - 1
        ? java.util.Optional.empty()
        : java.util.Optional.of(zkHost.substring(slash));
  }
}
