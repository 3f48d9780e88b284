package io.facesearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.app.NodeSettings;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** How the shared truth and gallery options become a node's settings, before anything is opened. */
class DataOptionsTest {

  @Command(name = "probe")
  static final class Probe {
    @Mixin DataOptions data;
  }

  private static DataOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.data;
  }

  @Test
  void a_collection_created_by_a_node_gets_the_shards_and_replicas_asked_for() {
    NodeSettings.Solr solr =
        parse(
                "--database-url", "jdbc:postgresql://db.example:5432/facesearch",
                "--solr-zk", " zk1:2181,zk2:2181/solr ",
                "--solr-shards", "3",
                "--solr-replicas", "2")
            .solr();
    assertEquals(new NodeSettings.Solr("zk1:2181,zk2:2181/solr", "faces", 3, 2), solr);
    SolrGalleryConfig gallery = solr.galleryConfig();
    assertEquals(3, gallery.shards());
    assertEquals(2, gallery.replicationFactor());
  }

  @Test
  void without_shard_options_a_created_collection_has_one_shard_and_one_replica() {
    NodeSettings.Solr solr =
        parse("--database-url", "jdbc:postgresql://db/facesearch", "--solr-zk", "zk:2181").solr();
    assertEquals(1, solr.shards());
    assertEquals(1, solr.replicas());
  }

  @Test
  void no_solr_zk_means_the_data_folder_gallery() {
    assertNull(parse("--database-url", "jdbc:postgresql://db/facesearch").solr());
  }

  @Test
  void zero_replicas_are_refused_as_an_operator_mistake() {
    DataOptions options =
        parse(
            "--database-url", "jdbc:postgresql://db/facesearch",
            "--solr-zk", "zk:2181",
            "--solr-replicas", "0");
    UserError e = assertThrows(UserError.class, options::solr);
    assertTrue(e.getMessage().contains("--solr-replicas"), e.getMessage());
  }
}
