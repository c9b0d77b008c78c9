-- Monthly figures published to company admins (and the platform's, with
-- company_id ''): written once per company and month, never updated.
-- Numbered after the issue (12) so parallel branches never claim the same
-- version.
CREATE TABLE published_stats (
	company_id   TEXT NOT NULL,
	month        TEXT NOT NULL,
	published_at INTEGER NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (company_id, month)
) STRICT;
