package io.facesearch.gallery.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When the operator is told that the collection's shards have outgrown what the candidate count was measured on, or
 * that the collection is on a configset other than the shipped one.
 */
class ShardSizeWarningTest {

  private static final long BOUND = SolrGalleryConfig.MEASURED_FACES_PER_SHARD;

  @Test
  void shards_of_up_to_the_measured_size_need_no_warning() {
    assertEquals(Optional.empty(), SolrGalleryConfig.shardSizeWarning(0, 1));
    assertEquals(Optional.empty(), SolrGalleryConfig.shardSizeWarning(BOUND, 1));
    assertEquals(Optional.empty(), SolrGalleryConfig.shardSizeWarning(10 * BOUND, 10));
  }

  @Test
  void larger_shards_are_named_with_their_size_and_the_remedy() {
    String warning = SolrGalleryConfig.shardSizeWarning(4 * BOUND, 2).orElseThrow();
    assertTrue(warning.contains(String.format("in 2 shard(s), %,d per shard", 2 * BOUND)), warning);
    assertTrue(warning.contains(String.format("measured up to %,d per shard", BOUND)), warning);
    assertTrue(warning.contains("add shards"), warning);
    assertTrue(SolrGalleryConfig.shardSizeWarning(BOUND + 1, 1).isPresent());
  }

  @Test
  void a_collection_on_an_older_configset_is_named_with_the_shipped_one_and_the_way_to_move() {
    assertEquals(
        Optional.empty(), SolrGalleryConfig.configsetWarning("faces", SolrGallery.CONFIGSET));
    String warning =
        SolrGalleryConfig.configsetWarning("faces", "facesearch-faces-v1").orElseThrow();
    assertTrue(
        warning.contains("collection faces was created on the configset facesearch-faces-v1"),
        warning);
    assertTrue(warning.contains("ships " + SolrGallery.CONFIGSET), warning);
    assertTrue(warning.contains("--solr-collection"), warning);
  }
}
