package io.facesearch.store;

import java.time.Instant;

/**
 * A claim on rows of a queue ({@code webhook_deliveries}, {@code gallery_outbox}): {@code holder} works on them
 * until {@code until}, and no other node claims them before then. A node that dies leaves its claims to expire; the
 * rows are then claimed by another. Times are the claiming node's clock.
 */
public record Lease(NodeId holder, Instant until) {

  public Lease {
    if (holder == null || until == null) {
      throw new IllegalArgumentException("a lease has a holder and an end");
    }
  }

  /** A lease for {@code holder} from {@code now} for {@code length}. */
  public static Lease of(NodeId holder, Instant now, java.time.Duration length) {
    return new Lease(holder, now.plus(length));
  }

  /** Whether the lease still holds at {@code now} with {@code margin} to spare. */
  public boolean holdsFor(Instant now, java.time.Duration margin) {
    return now.plus(margin).isBefore(until);
  }
}
