package io.facesearch.gallery.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the operator is told that the collection's shards have outgrown what the candidate count was measured on. */
class ShardSizeWarningTest {

  @Test
  void shards_of_up_to_the_measured_size_need_no_warning() {
    assertEquals(Optional.empty(), SolrGalleryConfig.shardSizeWarning(0, 1));
    assertEquals(Optional.empty(), SolrGalleryConfig.shardSizeWarning(100_000, 1));
    assertEquals(Optional.empty(), SolrGalleryConfig.shardSizeWarning(1_000_000, 10));
  }

  @Test
  void larger_shards_are_named_with_their_size_and_the_remedy() {
    String warning = SolrGalleryConfig.shardSizeWarning(1_000_000, 2).orElseThrow();
    assertTrue(warning.contains("1,000,000 faces in 2 shard(s), 500,000 per shard"), warning);
    assertTrue(warning.contains("add shards"), warning);
    assertTrue(SolrGalleryConfig.shardSizeWarning(100_001, 1).isPresent());
  }
}
