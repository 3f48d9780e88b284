package io.facesearch.app;

import io.facesearch.api.FaceSearchApp;
import io.facesearch.billing.Prices;
import io.facesearch.gallery.LuceneGalleryConfig;
import io.facesearch.mail.SmtpSettings;
import java.nio.file.Path;

/**
 * Everything a node is configured with: the data folder, prices, mail, the gallery's tuning, request limits and the
 * public origin. {@code smtp} null: no SMTP, mail goes to the outbox; {@code publicUrl} null: absolute URLs are built
 * from each request's Host.
 */
public record NodeSettings(Path dataDir, Prices prices, SmtpSettings smtp, LuceneGalleryConfig gallery,
                           FaceSearchApp.Limits limits, String publicUrl) {

  /** The defaults on {@code dataDir}: default prices and limits, SMTP from the environment, no public URL. */
  public static NodeSettings of(Path dataDir) {
    return new NodeSettings(dataDir, Prices.DEFAULTS, SmtpSettings.fromEnvironment(), LuceneGalleryConfig.defaults(),
        FaceSearchApp.Limits.DEFAULTS, null);
  }

  public NodeSettings withPrices(Prices p) {
    return new NodeSettings(dataDir, p, smtp, gallery, limits, publicUrl);
  }

  public NodeSettings withSmtp(SmtpSettings s) {
    return new NodeSettings(dataDir, prices, s, gallery, limits, publicUrl);
  }

  public NodeSettings withGallery(LuceneGalleryConfig g) {
    return new NodeSettings(dataDir, prices, smtp, g, limits, publicUrl);
  }

  public NodeSettings withLimits(FaceSearchApp.Limits l) {
    return new NodeSettings(dataDir, prices, smtp, gallery, l, publicUrl);
  }

  public NodeSettings withPublicUrl(String url) {
    return new NodeSettings(dataDir, prices, smtp, gallery, limits, url);
  }
}
