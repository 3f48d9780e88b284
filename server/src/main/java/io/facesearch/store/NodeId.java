package io.facesearch.store;

import java.util.UUID;

/**
 * Which node of a cluster holds a claim on queue rows ({@link Lease}): random at each start of a node, so that a
 * restarted node never mistakes the claims of its earlier life for its own (they expire with their lease).
 */
public record NodeId(String value) {

  public NodeId {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a node id is not blank");
    }
  }

  /** A fresh id (a random UUID). */
  public static NodeId random() {
    return new NodeId(UUID.randomUUID().toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
