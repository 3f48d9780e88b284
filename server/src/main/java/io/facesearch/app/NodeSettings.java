package io.facesearch.app;

import io.facesearch.api.FaceSearchApp;
import io.facesearch.billing.Prices;
import io.facesearch.gallery.LuceneGalleryConfig;
import io.facesearch.mail.SmtpSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a node is configured with: the data folder, prices, mail, the gallery's tuning, request limits and the
 * public origin. {@code smtp} null: no SMTP, mail goes to the outbox; {@code publicUrl} null: absolute URLs are built
 * from each request's Host.
 */
public record NodeSettings(
    Path dataDir,
    Prices prices,
    SmtpSettings smtp,
    LuceneGalleryConfig gallery,
    FaceSearchApp.Limits limits,
    String publicUrl,
    Duration galleryRetry) {

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
        DEFAULT_GALLERY_RETRY);
  }

  public NodeSettings withPrices(Prices p) {
    return new NodeSettings(dataDir, p, smtp, gallery, limits, publicUrl, galleryRetry);
  }

  public NodeSettings withSmtp(SmtpSettings s) {
    return new NodeSettings(dataDir, prices, s, gallery, limits, publicUrl, galleryRetry);
  }

  public NodeSettings withGallery(LuceneGalleryConfig g) {
    return new NodeSettings(dataDir, prices, smtp, g, limits, publicUrl, galleryRetry);
  }

  public NodeSettings withLimits(FaceSearchApp.Limits l) {
    return new NodeSettings(dataDir, prices, smtp, gallery, l, publicUrl, galleryRetry);
  }

  public NodeSettings withPublicUrl(String url) {
    return new NodeSettings(dataDir, prices, smtp, gallery, limits, url, galleryRetry);
  }

  public NodeSettings withGalleryRetry(Duration interval) {
    return new NodeSettings(dataDir, prices, smtp, gallery, limits, publicUrl, interval);
  }
}
