package io.facesearch.mail;

import io.facesearch.store.Database;
import io.facesearch.store.Lease;
import io.facesearch.store.MailOutbox;
import io.facesearch.store.NodeId;
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
 * only when delivery fails, and tries it again every {@link #RETRY_AFTER} ({@link #retryDue}, run by serve) while it
 * is younger than {@link #RETRY_FOR}; a message sent on a later attempt is deleted. Messages are deleted after
 * {@link #KEPT_FOR}: a code is valid for 15 minutes.
 *
 * <p>With several nodes on one database a message due again is claimed ({@link Lease}) by the one node that
 * sends it; a node that dies leaves it to another once its lease ends. A recipient may get a message twice when a
 * node dies between SMTP's acceptance and the deletion of the row (at least once, as webhooks).
 */
public final class Outbox implements Mailer {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  /** How long a kept message stays in the outbox. */
  static final Duration KEPT_FOR = Duration.ofDays(1);

  /** The wait before another attempt of a message SMTP refused. */
  static final Duration RETRY_AFTER = Duration.ofMinutes(1);

  /** How long a refused message is tried again: as long as a verification code it may hold is valid. */
  static final Duration RETRY_FOR = Duration.ofMinutes(15);

  /** How long a claim on messages due again holds. */
  public static final Duration LEASE = Duration.ofMinutes(5);

  /** Messages claimed at once. */
  static final int CLAIM_BATCH = 10;

  /**
   * What an SMTP attempt may take at most (10 s to connect, 10 s per read, a few commands), with a margin for
   * clocks that differ between nodes: an attempt starts only while its lease has this much left.
   */
  static final Duration ATTEMPT_BOUND = Duration.ofSeconds(90);

  /** One kept message. */
  public record Letter(
      String id, String recipient, String subject, String body, Instant createdAt) {}

  private final Database db;
  private final Mailer smtp;
  private final Clock clock;
  private final MailOutbox kept = new MailOutbox();
  private final NodeId node;

  /** {@code smtp} may be null: no SMTP configured. */
  public Outbox(Database db, Mailer smtp, Clock clock) {
    this(db, smtp, clock, NodeId.random());
  }

  /** The outbox of node {@code node}, which claims the messages it sends again under that id. */
  public Outbox(Database db, Mailer smtp, Clock clock, NodeId node) {
    this.db = db;
    this.smtp = smtp;
    this.clock = clock;
    this.node = node;
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
    Instant retryAt = smtp == null ? null : now.plus(RETRY_AFTER);
    db.inTransaction(
        tx -> {
          kept.deleteBefore(tx, now.minus(KEPT_FOR));
          kept.insert(
              tx,
              new MailOutbox.LetterRow(UUID.randomUUID().toString(), to, subject, body, now),
              retryAt);
          return null;
        });
  }

  /**
   * Sends again, through SMTP, the kept messages whose next attempt is due, claiming them first (see the class
   * comment); returns how many were sent. Nothing without SMTP.
   */
  public int retryDue() {
    if (smtp == null) {
      return 0;
    }
    int sent = 0;
    while (true) {
      Instant now = clock.instant();
      Lease lease = Lease.of(node, now, LEASE);
      List<MailOutbox.Due> due = db.inTransaction(tx -> kept.claimDue(tx, lease, now, CLAIM_BATCH));
      if (due.isEmpty()) {
        return sent;
      }
      for (MailOutbox.Due d : due) {
        if (!lease.holdsFor(clock.instant(), ATTEMPT_BOUND)) {
          db.inTransaction(
              tx -> {
                kept.release(tx, d.letter().id(), node);
                return null;
              });
          continue;
        }
        sent += attempt(d) ? 1 : 0;
      }
    }
  }

  /** One more attempt of a claimed message; true when SMTP took it. */
  private boolean attempt(MailOutbox.Due d) {
    MailOutbox.LetterRow l = d.letter();
    try {
      smtp.send(l.recipient(), l.subject(), l.body());
    } catch (MailException e) {
      Instant now = clock.instant();
      Instant next = now.plus(RETRY_AFTER);
      Instant retryAt = next.isBefore(l.createdAt().plus(RETRY_FOR)) ? next : null;
      db.inTransaction(tx -> kept.attemptFailed(tx, l.id(), node, retryAt));
      LOG.warn(
          "mail to {} refused again{}: {}",
          l.recipient(),
          retryAt == null ? ", kept for the operator" : "",
          e.getMessage());
      return false;
    }
    if (!db.inTransaction(tx -> kept.deleteSent(tx, l.id(), node))) {
      LOG.warn("mail {}: the claim ended before it was recorded as sent", l.id());
    }
    LOG.info("mail to {} sent on a later attempt", l.recipient());
    return true;
  }
}
