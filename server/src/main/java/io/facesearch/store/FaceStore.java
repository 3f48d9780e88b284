package io.facesearch.store;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The {@code faces} table: the durable truth of the gallery. Embeddings are stored as {@code float32}
 * little-endian bytes ({@link #encode}); the model id is stored with every vector.
 */
public final class FaceStore implements GalleryTruth {

  private static final String COLUMNS = "id, application_id, session_id, source, blocklisted, allowlisted, approved, "
      + "searchable, model_id, created_at";

  private final Database db;

  public FaceStore(Database db) {
    this.db = db;
  }

  /** Inserts a face within the caller's transaction. */
  public void insert(Connection c, StoredFace f) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "INSERT INTO faces (" + COLUMNS + ", embedding) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      q.setString(1, f.faceId());
      q.setString(2, f.applicationId());
      q.setString(3, f.sessionId());
      q.setString(4, f.source().wireName());
      q.setInt(5, f.blocklisted() ? 1 : 0);
      q.setInt(6, f.allowlisted() ? 1 : 0);
      q.setInt(7, f.approved() ? 1 : 0);
      q.setInt(8, f.searchable() ? 1 : 0);
      q.setString(9, f.modelId());
      q.setString(10, f.createdAt().toString());
      q.setBytes(11, encode(f.embedding()));
      q.executeUpdate();
    }
  }

  /** The states of a session's faces (normally one). */
  public java.util.List<FaceState> ofSession(Connection c, String sessionId) throws SQLException {
    java.util.List<FaceState> states = new java.util.ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT id, blocklisted, allowlisted, approved, searchable, model_id FROM faces WHERE session_id = ?")) {
      q.setString(1, sessionId);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          states.add(new FaceState(r.getString(1),
              new FaceFlags(r.getInt(2) == 1, r.getInt(3) == 1, r.getInt(4) == 1, r.getInt(5) == 1), r.getString(6)));
        }
      }
    }
    return states;
  }

  /** Sets a face's flags within the caller's transaction. */
  public void updateFlags(Connection c, String faceId, FaceFlags f) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "UPDATE faces SET blocklisted = ?, allowlisted = ?, approved = ?, searchable = ? WHERE id = ?")) {
      q.setInt(1, f.blocklisted() ? 1 : 0);
      q.setInt(2, f.allowlisted() ? 1 : 0);
      q.setInt(3, f.approved() ? 1 : 0);
      q.setInt(4, f.searchable() ? 1 : 0);
      q.setString(5, faceId);
      q.executeUpdate();
    }
  }

  @Override
  public void forEachFaceState(Consumer<FaceState> action) {
    db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT id, blocklisted, allowlisted, approved, searchable, model_id FROM faces");
           ResultSet r = q.executeQuery()) {
        while (r.next()) {
          action.accept(new FaceState(r.getString(1),
              new FaceFlags(r.getInt(2) == 1, r.getInt(3) == 1, r.getInt(4) == 1, r.getInt(5) == 1), r.getString(6)));
        }
      }
      return null;
    });
  }

  @Override
  public void forEachFace(Consumer<StoredFace> action) {
    db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + ", embedding FROM faces");
           ResultSet r = q.executeQuery()) {
        while (r.next()) {
          action.accept(read(r));
        }
      }
      return null;
    });
  }

  @Override
  public void forEachFace(Collection<String> faceIds, Consumer<StoredFace> action) {
    db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + ", embedding FROM faces WHERE id = ?")) {
        for (String id : faceIds) {
          q.setString(1, id);
          try (ResultSet r = q.executeQuery()) {
            if (r.next()) {
              action.accept(read(r));
            }
          }
        }
      }
      return null;
    });
  }

  /** Number of faces stored for the application. */
  public long count(String applicationId) {
    return db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM faces WHERE application_id = ?")) {
        q.setString(1, applicationId);
        try (ResultSet r = q.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      }
    });
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

  private static StoredFace read(ResultSet r) throws SQLException {
    return new StoredFace(r.getString(1), r.getString(2), r.getString(3), FaceSource.fromWireName(r.getString(4)),
        r.getInt(5) == 1, r.getInt(6) == 1, r.getInt(7) == 1, r.getInt(8) == 1, r.getString(9),
        Instant.parse(r.getString(10)), decode(r.getBytes(11)));
  }
}
