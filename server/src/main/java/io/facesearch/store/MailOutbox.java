package io.facesearch.store;

import java.time.Instant;
import java.util.List;

/**
 * Mail kept for the operator (table {@code email_outbox}); a message that SMTP refused also waits there for its
 * next attempt, claimed ({@link Lease}) by the one node that makes it.
 */
public final class MailOutbox {

  /** One kept message. */
  public record LetterRow(
      String id, String recipient, String subject, String body, Instant createdAt) {}

  /** A message due for another attempt, claimed by this node, with the attempts made so far. */
  public record Due(LetterRow letter, int attempts) {}

  /** Keeps a message for the operator only (never sent again). */
  public void insert(Tx tx, LetterRow letter) {
    insert(tx, letter, null);
  }

  /**
   * Keeps a message; {@code nextAttemptAt} is when it is sent again (null: never, it is kept for the operator only).
   */
  public void insert(Tx tx, LetterRow letter, Instant nextAttemptAt) {
    SqlRows.update(
        tx,
        "INSERT INTO email_outbox (id, recipient, subject, body, created_at, next_attempt_at) "
            + "VALUES (?, ?, ?, ?, ?, ?)",
        letter.id(),
        letter.recipient(),
        letter.subject(),
        letter.body(),
        letter.createdAt(),
        nextAttemptAt);
  }

  /** Deletes every message kept since before {@code cutoff}. */
  public void deleteBefore(Tx tx, Instant cutoff) {
    SqlRows.update(tx, "DELETE FROM email_outbox WHERE created_at < ?", cutoff);
  }

  /** Every kept message, oldest first. */
  public List<LetterRow> all(Tx tx) {
    return SqlRows.list(
        tx,
        "SELECT id, recipient, subject, body, created_at FROM email_outbox ORDER BY created_at, id",
        r ->
            new LetterRow(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                SqlRows.time(r, 5)));
  }

  /**
   * Claims for {@code lease}'s holder up to {@code limit} messages whose next attempt is due at {@code now} and that
   * no node holds a lease on at {@code now}, oldest first. On PostgreSQL, nodes claiming at the same moment skip
   * each other's rows ({@link Tx#skipLocked}).
   */
  public List<Due> claimDue(Tx tx, Lease lease, Instant now, int limit) {
    tx.requireWritable();
    List<Due> claimed =
        new java.util.ArrayList<>(
            SqlRows.list(
                tx,
                "UPDATE email_outbox SET claimed_by = ?, claimed_until = ? WHERE id IN ("
                    + "SELECT id FROM email_outbox WHERE sent_at IS NULL AND next_attempt_at <= ? "
                    + "AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY created_at, id LIMIT ?"
                    + tx.skipLocked()
                    + ") RETURNING id, recipient, subject, body, created_at, attempts",
                r ->
                    new Due(
                        new LetterRow(
                            r.getString(1),
                            r.getString(2),
                            r.getString(3),
                            r.getString(4),
                            SqlRows.time(r, 5)),
                        r.getInt(6)),
                lease.holder().value(),
                lease.until(),
                now,
                now,
                limit));
    claimed.sort( // RETURNING's order is none
        java.util.Comparator.comparing((Due d) -> d.letter().createdAt())
            .thenComparing(d -> d.letter().id()));
    return claimed;
  }

  /**
   * Deletes a claimed message that was sent (sent mail is not kept: it may hold a code); false when {@code holder}
   * no longer holds the claim.
   */
  public boolean deleteSent(Tx tx, String id, NodeId holder) {
    return SqlRows.update(
            tx, "DELETE FROM email_outbox WHERE id = ? AND claimed_by = ?", id, holder.value())
        == 1;
  }

  /**
   * Records a failed attempt of a claimed message and ends the claim: tried again at {@code nextAttemptAt}, or
   * never (null: kept for the operator only). False when {@code holder} no longer holds the claim.
   */
  public boolean attemptFailed(Tx tx, String id, NodeId holder, Instant nextAttemptAt) {
    return SqlRows.update(
            tx,
            "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = ?, claimed_by = NULL, "
                + "claimed_until = NULL WHERE id = ? AND claimed_by = ?",
            nextAttemptAt,
            id,
            holder.value())
        == 1;
  }

  /** Ends {@code holder}'s claim on a message it did not attempt. */
  public void release(Tx tx, String id, NodeId holder) {
    SqlRows.update(
        tx,
        "UPDATE email_outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
        id,
        holder.value());
  }
}
