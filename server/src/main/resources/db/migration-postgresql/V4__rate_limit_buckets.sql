-- Rate and registration limits shared by every node (cluster mode): one Bucket4j token bucket per limiter and key,
-- read and written under SELECT ... FOR UPDATE by store.SharedBuckets (Bucket4j's
-- PostgreSQLSelectForUpdateBasedProxyManager, which issues the statements on this table).
--
-- id: "<limiter>/<limit>/<window seconds>/" + base64url(SHA-256 of the caller's key); never a raw API key, token
-- or client address. state: Bucket4j's serialised bucket. expires_at: epoch milliseconds after which the bucket
-- is full again (equal to an absent one) and may be deleted; SharedBuckets deletes such rows as it goes.
CREATE TABLE rate_limit_buckets (
  id          text PRIMARY KEY,
  state       bytea,
  expires_at  bigint
);

CREATE INDEX rate_limit_buckets_expires_at ON rate_limit_buckets (expires_at);
