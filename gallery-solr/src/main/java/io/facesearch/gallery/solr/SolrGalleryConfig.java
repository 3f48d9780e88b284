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
   * --index solr} on 100,000 faces of the face-like background (real LFW probes among synthetic faces; one shard,
   * HNSW M=16, beam width 100; docs/cluster.md): recall@10 against exact search 0.824 at 250 candidates, 0.921 at
   * 500, 0.970 at 1,000 and 0.991 at 2,000 (p50 33 ms, loaded machine). On an easier, clustered synthetic set 1,000
   * gave 0.9995. Recall falls as a shard grows: larger shards need more (measure with {@code --solr-sweep}).
   */
  public static final int DEFAULT_CANDIDATES = 2000;

  /**
   * The most faces per shard at which {@link #DEFAULT_CANDIDATES} was measured to reach recall@10 0.99 with the
   * shipped configset (HNSW M=16, beam 100): 0.991 at 100,000 faces. At 1,000,000 faces per shard the same search
   * gave 0.853 (random queries 0.880, the probes 0.820), and a returning face was ranked first only 87.8 % of the time (docs/cluster.md).
   */
  public static final long MEASURED_FACES_PER_SHARD = 100_000;

  /**
   * A warning for an operator when {@code faces} in {@code shards} shards are more per shard than
   * {@link #MEASURED_FACES_PER_SHARD}, where searches miss faces they would find in smaller shards; else empty.
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
            "the Solr gallery holds %,d faces in %d shard(s), %,d per shard: beyond %,d per shard its HNSW search "
                + "misses faces (recall@10 0.85 at 1,000,000 per shard against 0.99 at 100,000); add shards "
                + "(docs/cluster.md, Sizing)",
            faces,
            shards,
            perShard,
            MEASURED_FACES_PER_SHARD));
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

  /** The defaults for one ZooKeeper address: collection "faces", 1 shard, 1 replica, 2,000 candidates. */
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
