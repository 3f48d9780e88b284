package io.facesearch.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables {@code face_lists} and {@code face_list_entries}: an application's face blocklists and allowlists and
 * their entries. An entry's face lives in {@code faces} (written through the enrollment owner); this repository keeps
 * the list-side rows.
 */
public final class ListEntries {

  /** A list with its entry count; {@code listType} is the stored name ({@code blocklist} | {@code allowlist}). */
  public record ListRow(
      String id,
      String name,
      String description,
      String listType,
      boolean system,
      long entries,
      Instant lastEntryAddedAt,
      Instant createdAt,
      Instant updatedAt) {}

  /** An entry; {@code imageId} names its image in the image store, null for a copy of a session's face. */
  public record EntryRow(
      String id,
      String listId,
      String imageId,
      String displayLabel,
      String comment,
      String referenceSessionId,
      Long referenceSessionNumber,
      String metadata,
      Instant createdAt) {}

  /** Inserts a list. */
  public void insertList(
      Tx tx,
      String applicationId,
      String id,
      String name,
      String listType,
      String description,
      boolean system,
      Instant now) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "INSERT INTO face_lists (id, application_id, name, "
                    + "list_type, description, is_system, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      q.setString(1, id);
      q.setString(2, applicationId);
      q.setString(3, name);
      q.setString(4, listType);
      q.setString(5, description);
      q.setBoolean(6, system);
      q.setString(7, StoredTime.encode(now));
      q.setString(8, StoredTime.encode(now));
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Whether the application has its system list. */
  public boolean hasSystemList(Tx tx, String applicationId) {
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT 1 FROM face_lists WHERE application_id = ? AND is_system = TRUE")) {
      q.setString(1, applicationId);
      try (ResultSet r = q.executeQuery()) {
        return r.next();
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The application's lists with their entry counts, the system list first, then oldest first. */
  public List<ListRow> lists(Tx tx, String applicationId) {
    List<ListRow> out = new ArrayList<>();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT l.id, l.name, l.description, l.list_type, "
                    + "l.is_system, (SELECT COUNT(*) FROM face_list_entries e WHERE e.list_id = l.id), "
                    + "(SELECT MAX(e.created_at) FROM face_list_entries e WHERE e.list_id = l.id), l.created_at, "
                    + "COALESCE(l.updated_at, l.created_at) FROM face_lists l WHERE l.application_id = ? "
                    + "ORDER BY l.is_system DESC, l.created_at")) {
      q.setString(1, applicationId);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          out.add(
              new ListRow(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getBoolean(5),
                  r.getLong(6),
                  StoredTime.decodeNullable(r.getString(7)),
                  StoredTime.decode(r.getString(8)),
                  StoredTime.decode(r.getString(9))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Renames or describes a list (null: kept). */
  public void updateList(
      Tx tx, String applicationId, String listId, String name, String description, Instant now) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "UPDATE face_lists SET name = COALESCE(?, name), "
                    + "description = COALESCE(?, description), updated_at = ? WHERE id = ? AND application_id = ?")) {
      q.setString(1, name);
      q.setString(2, description);
      q.setString(3, StoredTime.encode(now));
      q.setString(4, listId);
      q.setString(5, applicationId);
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Deletes a list (its remaining entry rows go by cascade). */
  public void deleteList(Tx tx, String applicationId, String listId) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("DELETE FROM face_lists WHERE id = ? AND application_id = ?")) {
      q.setString(1, listId);
      q.setString(2, applicationId);
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** A face-list entry as a search match reports it. */
  public record Listed(String entryId, String applicationId, String imageId, Instant createdAt) {}

  /** Inserts an entry (before its face, which refers to it). */
  public void insertEntry(Tx tx, EntryRow e) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "INSERT INTO face_list_entries (id, list_id, "
                    + "image_id, comment, created_at, display_label, reference_session_id, reference_session_number, metadata) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      q.setString(1, e.id());
      q.setString(2, e.listId());
      q.setString(3, e.imageId());
      q.setString(4, e.comment());
      q.setString(5, StoredTime.encode(e.createdAt()));
      q.setString(6, e.displayLabel());
      q.setString(7, e.referenceSessionId());
      if (e.referenceSessionNumber() == null) {
        q.setNull(8, Types.BIGINT);
      } else {
        q.setLong(8, e.referenceSessionNumber());
      }
      q.setString(9, e.metadata());
      q.executeUpdate();
    } catch (SQLException ex) {
      throw new StoreException(ex.getMessage(), ex);
    }
  }

  /** The list's entries, oldest first; empty when the list is not the application's. */
  public List<EntryRow> entries(Tx tx, String applicationId, String listId) {
    List<EntryRow> out = new ArrayList<>();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT e.id, e.list_id, e.image_id, "
                    + "e.display_label, e.comment, e.reference_session_id, e.reference_session_number, e.metadata, e.created_at "
                    + "FROM face_list_entries e JOIN face_lists l ON l.id = e.list_id WHERE l.id = ? AND l.application_id = ? "
                    + "ORDER BY e.created_at, e.id")) {
      q.setString(1, listId);
      q.setString(2, applicationId);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          long number = r.getLong(7);
          out.add(
              new EntryRow(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  r.getString(6),
                  r.wasNull() ? null : number,
                  r.getString(8),
                  StoredTime.decode(r.getString(9))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Changes an entry's label, comment or metadata (null: kept). */
  public void updateEntry(
      Tx tx, String listId, String entryId, String displayLabel, String comment, String metadata) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "UPDATE face_list_entries SET display_label = "
                    + "COALESCE(?, display_label), comment = COALESCE(?, comment), metadata = COALESCE(?, metadata) "
                    + "WHERE id = ? AND list_id = ?")) {
      q.setString(1, displayLabel);
      q.setString(2, comment);
      q.setString(3, metadata);
      q.setString(4, entryId);
      q.setString(5, listId);
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /**
   * Where an entry's image is: its own ({@code image_id}), else the session it was copied from
   * ({@code reference_session_id}, whose image may be gone); empty when it has neither.
   */
  public java.util.Optional<String> imageIdOf(Tx tx, String entryId) {
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT COALESCE(image_id, reference_session_id) FROM face_list_entries WHERE id = ?")) {
      q.setString(1, entryId);
      try (ResultSet r = q.executeQuery()) {
        return r.next()
            ? java.util.Optional.ofNullable(r.getString(1))
            : java.util.Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The application's entries among {@code ids}, by id (for the matches of a search). */
  public java.util.Map<String, Listed> findAll(
      Tx tx, String applicationId, java.util.Collection<String> ids) {
    java.util.Map<String, Listed> found = new java.util.HashMap<>();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT e.id, e.image_id, e.created_at "
                    + "FROM face_list_entries e JOIN face_lists l ON l.id = e.list_id WHERE e.id = ? AND l.application_id = ?")) {
      for (String id : ids) {
        q.setString(1, id);
        q.setString(2, applicationId);
        try (ResultSet r = q.executeQuery()) {
          if (r.next()) {
            found.put(
                id,
                new Listed(
                    r.getString(1),
                    applicationId,
                    r.getString(2),
                    StoredTime.decode(r.getString(3))));
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Deletes an entry row (its face goes by cascade; delete it first through the enrollment owner). */
  public boolean deleteEntry(Tx tx, String listId, String entryId) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("DELETE FROM face_list_entries WHERE id = ? AND list_id = ?")) {
      q.setString(1, entryId);
      q.setString(2, listId);
      return q.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }
}
