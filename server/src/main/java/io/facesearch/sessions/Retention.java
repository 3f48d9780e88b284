package io.facesearch.sessions;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases sessions (their biometric data) older than each application's {@code retention_days} (0 keeps them);
 * face-list entries stay until removed from their list. Run hourly by serve.
 */
public final class Retention {

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final AccountStore accounts;
  private final SessionReview review;
  private final Clock clock;

  public Retention(AccountStore accounts, SessionReview review, Clock clock) {
    this.accounts = accounts;
    this.review = review;
    this.clock = clock;
  }

  /** One pass over every application; returns the number of sessions erased. */
  public int runOnce() {
    int total = 0;
    for (Application app : accounts.applications()) {
      int days = app.settings().retentionDays();
      if (days > 0) {
        int erased = review.eraseOlderThan(app, clock.instant().minus(Duration.ofDays(days)));
        if (erased > 0) {
          LOG.info(
              "retention: erased {} sessions older than {} days of application {}",
              erased,
              days,
              app.id());
        }
        total += erased;
      }
    }
    return total;
  }
}
