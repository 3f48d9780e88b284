package io.facesearch.store;

import java.time.Instant;
import java.util.List;

/** Mail kept for the operator (table {@code email_outbox}). */
public final class MailOutbox {

  /** One kept message. */
  public record LetterRow(
      String id, String recipient, String subject, String body, Instant createdAt) {}

  public void insert(Tx tx, LetterRow letter) {
    SqlRows.update(
        tx,
        "INSERT INTO email_outbox (id, recipient, subject, body, created_at) VALUES (?, ?, ?, ?, ?)",
        letter.id(),
        letter.recipient(),
        letter.subject(),
        letter.body(),
        letter.createdAt());
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
}
