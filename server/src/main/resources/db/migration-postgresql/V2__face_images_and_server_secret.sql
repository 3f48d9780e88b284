-- Cluster mode keeps what every node must read in the database, not in a node's data folder (issue 23).
--
-- face_images: the upright JPEG of a session's face or of a face-list entry (owner_id: the session id, or the
-- entry's image id), written in the same transaction as the rows that refer to it, so no face is ever committed
-- without its image. Erased with its owner (same transaction); the purge then VACUUMs the table. No foreign key:
-- an owner is a session or a list entry, and a list entry outlives the session it was copied from.
CREATE TABLE face_images (
  application_id  text NOT NULL REFERENCES applications(id),
  owner_id        text NOT NULL,
  jpeg            bytea NOT NULL,
  created_at      stored_time NOT NULL,
  PRIMARY KEY (application_id, owner_id)
);
-- JPEG does not compress: store it out of line without trying (pglz would only spend time).
ALTER TABLE face_images ALTER COLUMN jpeg SET STORAGE EXTERNAL;

-- server_secret: the one 32-byte secret of the installation (signs image URLs, encrypts webhook secrets), shared by
-- every node. Created by the first node that starts (INSERT ... ON CONFLICT DO NOTHING, then read, so two nodes
-- starting at once agree); never changed afterwards.
CREATE TABLE server_secret (
  id          integer PRIMARY KEY CHECK (id = 1),
  secret      bytea NOT NULL CHECK (length(secret) = 32),
  created_at  stored_time NOT NULL
);
