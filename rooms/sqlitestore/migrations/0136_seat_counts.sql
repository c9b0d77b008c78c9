-- Seat counts kept beside the registrations (issue 13): the roundtable
-- list shows them for hundreds of roundtables without reading every
-- registration. Every seat change rewrites them in its transaction.
ALTER TABLE roundtables ADD COLUMN seated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE roundtables ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
UPDATE roundtables SET
	seated = (SELECT count(*) FROM registrations g WHERE g.roundtable_id = roundtables.id AND json_extract(g.doc, '$.status') = 'registered'),
	waiting = (SELECT count(*) FROM registrations g WHERE g.roundtable_id = roundtables.id AND json_extract(g.doc, '$.status') = 'waitlisted');
