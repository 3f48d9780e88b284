package io.facesearch.app;

import io.facesearch.api.FaceSearchApp;
import io.facesearch.billing.Prices;
import io.facesearch.gallery.LuceneGalleryConfig;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import io.facesearch.mail.SmtpSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a node is configured with: the data folder, prices, mail, the gallery's tuning, request limits, the
 * public origin, where the truth is ({@code postgres} null: SQLite in the data folder) and where the gallery is
 * ({@code solr} null: the in-process Lucene gallery in the data folder, tuned by {@code gallery}). {@code smtp} null:
 * no SMTP, mail goes to the outbox; {@code publicUrl} null: absolute URLs are built from each request's Host.
 */
public record NodeSettings(
    Path dataDir,
    Prices prices,
    SmtpSettings smtp,
    LuceneGalleryConfig gallery,
    FaceSearchApp.Limits limits,
    String publicUrl,
    Duration galleryRetry,
    Postgres postgres,
    Solr solr) {

  /**
   * Where the truth is kept when it is not the data folder's SQLite file: a PostgreSQL database shared by every node
   * (cluster mode). The face images and the server secret are kept in it too, so every node reads them; the gallery
   * stays in the data folder unless {@code solr} is set.
   */
  public record Postgres(String jdbcUrl, String user, String password) {
    @Override
    public String toString() {
      return "Postgres[" + jdbcUrl + ", user " + user + "]"; // never the password
    }
  }

  /**
   * The gallery on SolrCloud, shared by every node (cluster mode): the collection {@code collection} of the SolrCloud
   * whose ZooKeeper is {@code zkHost} ({@code HOST:PORT[,HOST:PORT...][/chroot]}). A missing collection is created
   * with {@code shards} shards of {@code replicas} replicas each and the shipped configset
   * {@link io.facesearch.gallery.solr.SolrGallery#CONFIGSET}; an existing one is used as it is.
   */
  public record Solr(String zkHost, String collection, int shards, int replicas) {

    public Solr {
      Objects.requireNonNull(zkHost, "zkHost");
      Objects.requireNonNull(collection, "collection");
      if (shards < 1 || replicas < 1) {
        throw new IllegalArgumentException("shards and replicas must be at least 1");
      }
    }

    /** The gallery's configuration: these, with SolrGallery's default candidate count. */
    public SolrGalleryConfig galleryConfig() {
      return new SolrGalleryConfig(
          zkHost, collection, shards, replicas, SolrGalleryConfig.DEFAULT_CANDIDATES);
    }
  }

  /** How often, by default, gallery changes that failed are retried (doubling after each failed pass). */
  public static final Duration DEFAULT_GALLERY_RETRY = Duration.ofSeconds(5);

  /** The defaults on {@code dataDir}: default prices and limits, SMTP from the environment, no public URL. */
  public static NodeSettings of(Path dataDir) {
    return new NodeSettings(
        dataDir,
        Prices.DEFAULTS,
        SmtpSettings.fromEnvironment(),
        LuceneGalleryConfig.defaults(),
        FaceSearchApp.Limits.DEFAULTS,
        null,
        DEFAULT_GALLERY_RETRY,
        null,
        null);
  }

  public NodeSettings withPrices(Prices p) {
    return new NodeSettings(
        dataDir, p, smtp, gallery, limits, publicUrl, galleryRetry, postgres, solr);
  }

  public NodeSettings withSmtp(SmtpSettings s) {
    return new NodeSettings(
        dataDir, prices, s, gallery, limits, publicUrl, galleryRetry, postgres, solr);
  }

  public NodeSettings withGallery(LuceneGalleryConfig g) {
    return new NodeSettings(
        dataDir, prices, smtp, g, limits, publicUrl, galleryRetry, postgres, solr);
  }

  public NodeSettings withLimits(FaceSearchApp.Limits l) {
    return new NodeSettings(
        dataDir, prices, smtp, gallery, l, publicUrl, galleryRetry, postgres, solr);
  }

  public NodeSettings withPublicUrl(String url) {
    return new NodeSettings(
        dataDir, prices, smtp, gallery, limits, url, galleryRetry, postgres, solr);
  }

  public NodeSettings withGalleryRetry(Duration interval) {
    return new NodeSettings(
        dataDir, prices, smtp, gallery, limits, publicUrl, interval, postgres, solr);
  }

  /** The same settings with the truth in PostgreSQL ({@code null}: SQLite in the data folder). */
  public NodeSettings withPostgres(Postgres p) {
    return new NodeSettings(
        dataDir, prices, smtp, gallery, limits, publicUrl, galleryRetry, p, solr);
  }

  /** The same settings with the gallery on SolrCloud ({@code null}: the in-process Lucene gallery). */
  public NodeSettings withSolr(Solr s) {
    return new NodeSettings(
        dataDir, prices, smtp, gallery, limits, publicUrl, galleryRetry, postgres, s);
  }
}
