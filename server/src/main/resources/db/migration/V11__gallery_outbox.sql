-- Issue 22: one owner of "truth first, then gallery" (io.facesearch.enrollment.Enrollments).
-- A row names a face whose gallery entry must be made to match the truth (the faces table): written in the same
-- transaction as the face's change, deleted once applied. What to do is read from the truth when the row is
-- applied (face present: add or update it; absent: remove it), so rows may be applied in any order, more than
-- once, and a failed gallery write is retried by the background drain until it succeeds.
CREATE TABLE gallery_outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a row is deleted by its id once applied
  face_id     TEXT NOT NULL,                       -- not a key: the face may be gone (a removal to apply)
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  created_at  TEXT NOT NULL
);

-- The saved answer of an API call is sessions.decision_json; api_requests held a second copy that nothing read
-- (and that every erasure had to scrub too).
DROP TABLE api_requests;
