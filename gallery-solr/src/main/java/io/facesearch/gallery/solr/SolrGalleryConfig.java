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
   * The default candidate count (the knn query's topK, per shard and per segment). Measured with
   * SolrGalleryBenchmark on 100,000 clustered face-like faces in one shard (HNSW M=16, beam width 100), recall@10
   * against exact search was 0.921 at 100 candidates, 0.989 at 400 and 0.9995 at 1,000; recall falls as a shard
   * grows, so the default keeps a margin above the 0.99 target. Smaller shards may use fewer.
   */
  public static final int DEFAULT_CANDIDATES = 1000;

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

  /** The defaults for one ZooKeeper address: collection "faces", 1 shard, 1 replica, 1,000 candidates. */
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
