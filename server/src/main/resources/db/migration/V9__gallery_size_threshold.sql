-- Issue 19: decisions that stay right as the gallery grows.
-- threshold_automatic = 1: the match threshold follows the number of candidate faces (target_review_rate of new
-- people sent to review); 0: the operator's similarity_threshold applies. Applications still at the old fixed
-- default 70 follow the gallery from now on; any other value was an operator's choice and is kept.
ALTER TABLE applications ADD COLUMN threshold_automatic INTEGER NOT NULL DEFAULT 1;
ALTER TABLE applications ADD COLUMN target_review_rate REAL NOT NULL DEFAULT 0.01;
-- 1: sessions In Review or Declined are search candidates too (Didit searches approved sessions only).
ALTER TABLE applications ADD COLUMN search_unapproved_sessions INTEGER NOT NULL DEFAULT 0;
UPDATE applications SET threshold_automatic = 0 WHERE similarity_threshold <> 70;
-- Saved API searches are no longer candidates by default (as Didit): a person who searches twice is not his own
-- duplicate. The old default was on and the console could not tell a choice from the default, so every
-- application gets the new default; an operator turns it on again in Settings. Their faces stay stored, and
-- from now on they are kept searchable so that turning the setting on finds them.
UPDATE applications SET search_api_sessions = 0;
