-- Setting a password deletes the member's other reset links.
CREATE INDEX password_resets_member ON password_resets (member_id);
