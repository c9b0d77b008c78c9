-- Invitations can be revoked (or resent, which revokes the old link).
-- Numbered 0010 to leave 0007-0009 to other work in flight.
ALTER TABLE invitations ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
