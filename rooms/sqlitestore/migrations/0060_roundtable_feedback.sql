-- Roundtable feedback: one entry per author and roundtable. Numbered
-- apart from the control plane's migrations (0007…) so parallel branches
-- never claim the same version.
CREATE TABLE roundtable_feedback (
	roundtable_id TEXT NOT NULL,
	author_id     TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	doc           TEXT NOT NULL,
	PRIMARY KEY (roundtable_id, author_id)
) STRICT;
CREATE INDEX roundtable_feedback_created ON roundtable_feedback (created_at);
-- The operators' audit listing pages newest first within a roundtable or
-- across all of them.
CREATE INDEX audit_roundtable_at_id ON audit (roundtable_id, at DESC, id DESC);
CREATE INDEX audit_at_id ON audit (at DESC, id DESC);
