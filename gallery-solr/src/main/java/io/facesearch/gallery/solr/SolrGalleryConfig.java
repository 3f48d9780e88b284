package io.facesearch.gallery.solr;

import java.util.Objects;

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
