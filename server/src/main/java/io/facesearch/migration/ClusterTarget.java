package io.facesearch.migration;

import io.facesearch.gallery.solr.SolrGalleryConfig;
import java.util.Objects;

/**
 * Where a migration writes: the PostgreSQL database of the truth and the SolrCloud collection of the vectors.
 *
 * @param jdbcUrl  {@code jdbc:postgresql://HOST:PORT/DB}
 * @param user     the PostgreSQL user (null: the driver's default)
 * @param password the user's password (null: none); never printed
 * @param solr     the SolrCloud collection of the faces
 */
public record ClusterTarget(String jdbcUrl, String user, String password, SolrGalleryConfig solr) {

  public ClusterTarget {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(solr, "solr");
  }

  @Override
  public String toString() {
    return "ClusterTarget[" + jdbcUrl + ", user " + user + ", " + solr + "]"; // never the password
  }
}
