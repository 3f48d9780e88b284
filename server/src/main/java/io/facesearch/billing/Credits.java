package io.facesearch.billing;

import io.facesearch.store.Accounts;
import io.facesearch.store.CreditLedger;
import io.facesearch.store.Database;
import io.facesearch.store.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Prepaid credits: an append-only ledger per organization ({@code credit_ledger}); the balance is its sum.
 *
 * <p>A billable call first {@link #reserve reserves} its price: in one write transaction that first locks the
 * organization ({@link Accounts#lockOrganization}, so that two reservations of one organization never read the
 * same balance, whether or not the store serialises writes) the balance minus live holds must cover it, else the
 * call gets 403 before any work. On success the hold becomes a ledger charge in the same transaction that saves
 * the call's result ({@link #charge}); on failure it is {@link #release released}. So a call is charged exactly once,
 * only on success, and concurrent calls can never drive the balance below zero. Holds older than
 * {@link #HOLD_LIFETIME} (a crash mid-call) no longer count and are purged.
 */
public final class Credits {

  /** A reservation; {@link #NONE} for unmetered organizations (nothing to charge). */
  public record Hold(String id, String organizationId, int amount) {
    public static final Hold NONE = new Hold(null, null, 0);

    public boolean none() {
      return id == null;
    }
  }

  /** One ledger line. */
  public record Entry(
      long id, long amount, String kind, String endpoint, String reference, Instant createdAt) {}

  static final Duration HOLD_LIFETIME = Duration.ofMinutes(10);

  private final Database db;
  private final Clock clock;
  private final CreditLedger ledger = new CreditLedger();
  private final Accounts accounts = new Accounts();

  public Credits(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Reserves {@code price} credits for a call of a metered organization. */
  public Hold reserve(String organizationId, int price) throws InsufficientCreditsException {
    if (!metered(organizationId)) {
      return Hold.NONE; // unmetered: no write transaction at all
    }
    long[] shortBalance = {0};
    Hold hold =
        db.inTransaction(
            tx -> {
              // read-then-write: the balance read below decides the hold written after it
              accounts.lockOrganization(tx, organizationId);
              if (!accounts.metered(tx, organizationId)) {
                return Hold.NONE;
              }
              Instant now = clock.instant();
              ledger.deleteHoldsBefore(tx, now.minus(HOLD_LIFETIME));
              long available = ledger.balance(tx, organizationId) - ledger.held(tx, organizationId);
              if (available < price) {
                shortBalance[0] = available;
                return null;
              }
              Hold h = new Hold(UUID.randomUUID().toString(), organizationId, price);
              ledger.insertHold(tx, h.id(), organizationId, price, now);
              return h;
            });
    if (hold == null) {
      throw new InsufficientCreditsException(Math.max(0, shortBalance[0]), price);
    }
    return hold;
  }

  /** Turns a hold into a ledger charge, within the caller's transaction. */
  public void charge(Tx tx, Hold hold, String endpoint, String reference) {
    if (hold.none()) {
      return;
    }
    ledger.deleteHold(tx, hold.id());
    ledger.append(
        tx, hold.organizationId(), -hold.amount(), "charge", endpoint, reference, clock.instant());
  }

  /** {@link #charge} in a transaction of its own (calls that save nothing else). */
  public void chargeAlone(Hold hold, String endpoint, String reference) {
    if (hold.none()) {
      return;
    }
    db.inTransaction(
        tx -> {
          charge(tx, hold, endpoint, reference);
          return null;
        });
  }

  /** Credits charged per endpoint over the whole ledger (for metrics). */
  public java.util.Map<String, Long> chargedByEndpoint() {
    return db.read(ledger::chargedByEndpoint);
  }

  /** Gives back a hold (the call failed). */
  public void release(Hold hold) {
    if (hold.none()) {
      return;
    }
    db.inTransaction(tx -> ledger.deleteHold(tx, hold.id()));
  }

  /** Adds credits ({@code kind}: grant, top_up, free_balance). */
  public void add(String organizationId, long amount, String kind, String reference) {
    db.inTransaction(
        tx -> {
          add(tx, organizationId, amount, kind, reference);
          return null;
        });
  }

  /** Adds credits within the caller's transaction. */
  public void add(Tx tx, String organizationId, long amount, String kind, String reference) {
    if (amount <= 0) {
      throw new IllegalArgumentException("credits to add must be positive");
    }
    ledger.append(tx, organizationId, amount, kind, null, reference, clock.instant());
  }

  public long balance(String organizationId) {
    return db.read(tx -> ledger.balance(tx, organizationId));
  }

  public boolean metered(String organizationId) {
    return db.read(tx -> accounts.metered(tx, organizationId));
  }

  public void setMetered(String organizationId, boolean metered) {
    db.inTransaction(
        tx -> {
          accounts.setMetered(tx, organizationId, metered);
          return null;
        });
  }

  public List<Entry> ledger(String organizationId) {
    return db.read(tx -> ledger.entries(tx, organizationId)).stream()
        .map(
            e ->
                new Entry(e.id(), e.amount(), e.kind(), e.endpoint(), e.reference(), e.createdAt()))
        .toList();
  }
}
