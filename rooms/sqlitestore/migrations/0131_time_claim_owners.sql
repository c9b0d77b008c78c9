-- Time claims name the consultation and the attempt that took them
-- (issue 12), so start-up can tell what a crash left behind.
ALTER TABLE claims ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN token TEXT NOT NULL DEFAULT '';
