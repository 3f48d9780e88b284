package io.facesearch.store;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.StoredFace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code faces} table: the durable truth of the gallery. Embeddings are stored as {@code float32}
 * little-endian bytes ({@link #encode}); the model id is stored with every vector. Writes go through the enrollment
 * owner ({@code io.facesearch.enrollment.Enrollments}), which keeps the gallery in step.
 *
 * <p>A face belongs to a session ({@code session_id}) or, with source {@code list_entry}, to a face-list entry
 * ({@code list_entry_id}); exactly one is set. {@link StoredFace#ownerId()} carries the owner's id either way: it
 * is what a gallery match reports.
 */
public final class Faces {

  /** The owner (see the class comment) is read as the third column. */
  private static final String COLUMNS =
      "id, application_id, COALESCE(session_id, list_entry_id), source, blocklisted, "
          + "allowlisted, approved, searchable, model_id, created_at";

  private static final String STATE_COLUMNS =
      "id, blocklisted, allowlisted, approved, searchable, model_id";

  /** Inserts a face. */
  public void insert(Tx tx, StoredFace f) {
    tx.requireWritable();
    boolean listed = f.source() == FaceSource.LIST_ENTRY;
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "INSERT INTO faces (id, application_id, "
                    + (listed ? "list_entry_id" : "session_id")
                    + ", source, blocklisted, allowlisted, approved, searchable, "
                    + "model_id, created_at, embedding) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      q.setString(1, f.faceId());
      q.setString(2, f.applicationId());
      q.setString(3, f.ownerId());
      q.setString(4, f.source().wireName());
      q.setBoolean(5, f.blocklisted());
      q.setBoolean(6, f.allowlisted());
      q.setBoolean(7, f.approved());
      q.setBoolean(8, f.searchable());
      q.setString(9, f.modelId());
      q.setString(10, StoredTime.encode(f.createdAt()));
      q.setBytes(11, encode(f.embedding()));
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The states of a session's faces (normally one). */
  public List<FaceState> ofSession(Tx tx, String sessionId) {
    return SqlRows.list(
        tx,
        "SELECT " + STATE_COLUMNS + " FROM faces WHERE session_id = ?",
        Faces::state,
        sessionId);
  }

  /** The states of a face-list entry's faces (one). */
  public List<FaceState> ofListEntry(Tx tx, String entryId) {
    return SqlRows.list(
        tx,
        "SELECT " + STATE_COLUMNS + " FROM faces WHERE list_entry_id = ?",
        Faces::state,
        entryId);
  }

  /** Sets a face's flags; false when there is no such face. */
  public boolean updateFlags(Tx tx, String faceId, FaceFlags f) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "UPDATE faces SET blocklisted = ?, allowlisted = ?, approved = ?, searchable = ? WHERE id = ?")) {
      q.setBoolean(1, f.blocklisted());
      q.setBoolean(2, f.allowlisted());
      q.setBoolean(3, f.approved());
      q.setBoolean(4, f.searchable());
      q.setString(5, faceId);
      return q.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Replaces a face's embedding and the id of the model that made it (re-embedding). */
  public boolean updateEmbedding(Tx tx, String faceId, String modelId, float[] embedding) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("UPDATE faces SET model_id = ?, embedding = ? WHERE id = ?")) {
      q.setString(1, modelId);
      q.setBytes(2, encode(embedding));
      q.setString(3, faceId);
      return q.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Deletes a face; false when there is no such face (e.g. its session's deletion took it by cascade). */
  public boolean delete(Tx tx, String faceId) {
    tx.requireWritable();
    try (PreparedStatement q = tx.connection().prepareStatement("DELETE FROM faces WHERE id = ?")) {
      q.setString(1, faceId);
      return q.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The face with its embedding, if it exists. */
  public Optional<StoredFace> find(Tx tx, String faceId) {
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("SELECT " + COLUMNS + ", embedding FROM faces WHERE id = ?")) {
      q.setString(1, faceId);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? Optional.of(read(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Calls {@code action} with the state of every face (no embeddings). */
  public void forEachState(Tx tx, Consumer<FaceState> action) {
    try (PreparedStatement q =
            tx.connection().prepareStatement("SELECT " + STATE_COLUMNS + " FROM faces");
        ResultSet r = streamed(q).executeQuery()) {
      while (r.next()) {
        action.accept(state(r));
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /**
   * {@code q} set to fetch its rows in batches: PostgreSQL's driver otherwise reads a whole result into memory (2 KB a
   * face), and fetches in batches only inside a transaction, which {@link Database#read} opens there.
   */
  private static PreparedStatement streamed(PreparedStatement q) throws SQLException {
    q.setFetchSize(1000);
    return q;
  }

  /** Calls {@code action} with every face. */
  public void forEach(Tx tx, Consumer<StoredFace> action) {
    try (PreparedStatement q =
            tx.connection().prepareStatement("SELECT " + COLUMNS + ", embedding FROM faces");
        ResultSet r = streamed(q).executeQuery()) {
      while (r.next()) {
        action.accept(read(r));
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /**
   * Up to {@code limit} faces whose id sorts after {@code afterId} ({@code null}: from the first), in id order: one
   * page of a scan that never holds the whole table (PostgreSQL's driver reads a whole result into memory).
   */
  public List<StoredFace> pageAfter(Tx tx, String afterId, int limit) {
    String sql =
        "SELECT "
            + COLUMNS
            + ", embedding FROM faces"
            + (afterId == null ? "" : " WHERE id > ?")
            + " ORDER BY id LIMIT ?";
    try (PreparedStatement q = tx.connection().prepareStatement(sql)) {
      int i = 1;
      if (afterId != null) {
        q.setString(i++, afterId);
      }
      q.setInt(i, limit);
      List<StoredFace> page = new ArrayList<>();
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          page.add(read(r));
        }
      }
      return page;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Ids of the faces whose embedding was not made by {@code modelId}, oldest first. */
  public List<String> idsNotOfModel(Tx tx, String modelId) {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("SELECT id FROM faces WHERE model_id <> ? ORDER BY created_at, id")) {
      q.setString(1, modelId);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The number of stored faces per model id. */
  public Map<String, Long> countByModel(Tx tx) {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement q =
            tx.connection()
                .prepareStatement(
                    "SELECT model_id, COUNT(*) FROM faces GROUP BY model_id ORDER BY model_id");
        ResultSet r = q.executeQuery()) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Number of faces stored for the application. */
  public long count(Tx tx, String applicationId) {
    try (PreparedStatement q =
        tx.connection().prepareStatement("SELECT COUNT(*) FROM faces WHERE application_id = ?")) {
      q.setString(1, applicationId);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  static byte[] encode(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  static float[] decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[bytes.length / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getFloat();
    }
    return v;
  }

  private static FaceState state(ResultSet r) throws SQLException {
    return new FaceState(
        r.getString(1),
        new FaceFlags(r.getBoolean(2), r.getBoolean(3), r.getBoolean(4), r.getBoolean(5)),
        r.getString(6));
  }

  private static StoredFace read(ResultSet r) throws SQLException {
    return new StoredFace(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        FaceSource.fromWireName(r.getString(4)),
        r.getBoolean(5),
        r.getBoolean(6),
        r.getBoolean(7),
        r.getBoolean(8),
        r.getString(9),
        StoredTime.decode(r.getString(10)),
        decode(r.getBytes(11)));
  }
}
