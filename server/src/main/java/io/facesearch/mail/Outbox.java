package io.facesearch.mail;

import io.facesearch.store.Database;
import io.facesearch.store.MailOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail of an embedded install without SMTP: every message is kept in {@code email_outbox} (read with
 * {@code facesearch outbox}) so the operator can pass a verification code on; the server log says that a message
 * was kept, never its body (codes are secrets). With SMTP configured it sends through SMTP and keeps the message
 * only when delivery fails. Messages are deleted after {@link #KEPT_FOR}: a code is valid for 15 minutes.
 */
public final class Outbox implements Mailer {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  /** How long a kept message stays in the outbox. */
  static final Duration KEPT_FOR = Duration.ofDays(1);

  /** One kept message. */
  public record Letter(
      String id, String recipient, String subject, String body, Instant createdAt) {}

  private final Database db;
  private final Mailer smtp;
  private final Clock clock;
  private final MailOutbox kept = new MailOutbox();

  /** {@code smtp} may be null: no SMTP configured. */
  public Outbox(Database db, Mailer smtp, Clock clock) {
    this.db = db;
    this.smtp = smtp;
    this.clock = clock;
  }

  @Override
  public void send(String to, String subject, String body) {
    if (smtp != null) {
      try {
        smtp.send(to, subject, body);
        return;
      } catch (MailException e) {
        LOG.warn("mail to {} kept in the outbox: {}", to, e.getMessage());
      }
    } else {
      LOG.info(
          "no SMTP configured; mail to {} kept in the outbox, read it with ./facesearch outbox: {}",
          to,
          subject);
    }
    keep(to, subject, body);
  }

  public List<Letter> letters() {
    return db.read(kept::all).stream()
        .map(l -> new Letter(l.id(), l.recipient(), l.subject(), l.body(), l.createdAt()))
        .toList();
  }

  private void keep(String to, String subject, String body) {
    Instant now = clock.instant();
    db.inTransaction(
        tx -> {
          kept.deleteBefore(tx, now.minus(KEPT_FOR));
          kept.insert(
              tx, new MailOutbox.LetterRow(UUID.randomUUID().toString(), to, subject, body, now));
          return null;
        });
  }
}
