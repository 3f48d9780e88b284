package io.facesearch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 10: every stored time becomes {@link StoredTime}'s fixed-width form. Up to V9 times were written
 * with {@code Instant.toString()}, whose width varies with the fraction, so text order was not time order
 * ({@code '...:26Z'} sorts after {@code '...:26.5Z'}). Every value of every time column of every table is read,
 * decoded and written back encoded; a value that is not a time stops the migration (and Flyway rolls it back)
 * rather than being left behind.
 *
 * <p>A Java migration (registered in {@link Database}, not found by scanning) so that it uses the one codec and
 * its SQL stays in this package. It addresses rows by SQLite's {@code rowid}; a PostgreSQL set starts with typed
 * times and needs no such migration.
 */
// the name is Flyway's: V<version>__<description>
public final class V10__stored_times extends BaseJavaMigration {

  /** Every time column up to V9, as {@code table.column}; V11 and later write {@link StoredTime} from the start. */
  static final List<String> TIME_COLUMNS =
      List.of(
          "organizations.created_at",
          "applications.created_at",
          "api_keys.created_at",
          "api_keys.revoked_at",
          "sessions.verification_date",
          "sessions.created_at",
          "sessions.updated_at",
          "faces.created_at",
          "api_requests.created_at",
          "import_keys.created_at",
          "users.email_verified_at",
          "users.created_at",
          "email_codes.expires_at",
          "email_codes.used_at",
          "email_codes.created_at",
          "access_tokens.expires_at",
          "access_tokens.revoked_at",
          "access_tokens.created_at",
          "email_outbox.created_at",
          "email_outbox.sent_at",
          "credit_ledger.created_at",
          "credit_holds.created_at",
          "top_ups.created_at",
          "top_ups.confirmed_at",
          "face_lists.created_at",
          "face_lists.updated_at",
          "face_list_entries.created_at",
          "webhook_deliveries.next_attempt_at",
          "webhook_deliveries.delivered_at",
          "webhook_deliveries.failed_at",
          "webhook_deliveries.created_at",
          "console_sessions.expires_at",
          "console_sessions.created_at",
          "console_sign_in_failures.locked_until",
          "webhook_destinations.created_at",
          "webhook_destinations.updated_at");

  @Override
  public void migrate(Context context) throws SQLException {
    rewrite(context.getConnection());
  }

  /** Rewrites every value of {@link #TIME_COLUMNS} in {@link StoredTime}'s form; returns how many changed. */
  static int rewrite(Connection c) throws SQLException {
    int changed = 0;
    for (String tableColumn : TIME_COLUMNS) {
      String table = tableColumn.substring(0, tableColumn.indexOf('.'));
      String column = tableColumn.substring(tableColumn.indexOf('.') + 1);
      // by rowid: a time column has no index, so an UPDATE ... WHERE column = ? per value would
      // scan the table
      // once per row (measured: 200 000 ledger rows did not finish in 10 minutes)
      List<String> values = new ArrayList<>();
      List<Long> rowids = new ArrayList<>();
      try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT rowid, "
                      + column
                      + " FROM "
                      + table
                      + " WHERE "
                      + column
                      + " IS NOT NULL");
          ResultSet r = q.executeQuery()) {
        while (r.next()) {
          rowids.add(r.getLong(1));
          values.add(r.getString(2));
        }
      }
      try (PreparedStatement q =
          c.prepareStatement("UPDATE " + table + " SET " + column + " = ? WHERE rowid = ?")) {
        for (int i = 0; i < values.size(); i++) {
          String old = values.get(i);
          String stored;
          try {
            stored = StoredTime.encode(StoredTime.decode(old));
          } catch (RuntimeException e) {
            throw new SQLException(tableColumn + " holds '" + old + "', which is not a time", e);
          }
          if (!stored.equals(old)) {
            q.setString(1, stored);
            q.setLong(2, rowids.get(i));
            q.addBatch();
            changed++;
          }
        }
        q.executeBatch();
      }
    }
    return changed;
  }
}
