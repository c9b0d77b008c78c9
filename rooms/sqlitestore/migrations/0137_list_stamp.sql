-- A counter raised by every write to what a roundtable list shows (issue 13):
-- the API keeps the list it built while the counter stays. Triggers raise it
-- inside the writing transaction, whichever code path or process writes.
CREATE TABLE list_stamp (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL) STRICT;
INSERT INTO list_stamp (id, n) VALUES (1, 0);
CREATE TRIGGER roundtables_insert_stamp AFTER INSERT ON roundtables BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER roundtables_update_stamp AFTER UPDATE ON roundtables BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER roundtables_delete_stamp AFTER DELETE ON roundtables BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER registrations_insert_stamp AFTER INSERT ON registrations BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER registrations_update_stamp AFTER UPDATE ON registrations BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER registrations_delete_stamp AFTER DELETE ON registrations BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER members_insert_stamp AFTER INSERT ON members BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER members_update_stamp AFTER UPDATE ON members BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER members_delete_stamp AFTER DELETE ON members BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER profiles_insert_stamp AFTER INSERT ON profiles BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER profiles_update_stamp AFTER UPDATE ON profiles BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER profiles_delete_stamp AFTER DELETE ON profiles BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER photos_insert_stamp AFTER INSERT ON photos BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER photos_update_stamp AFTER UPDATE ON photos BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER photos_delete_stamp AFTER DELETE ON photos BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER roundtable_feedback_insert_stamp AFTER INSERT ON roundtable_feedback BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER roundtable_feedback_update_stamp AFTER UPDATE ON roundtable_feedback BEGIN UPDATE list_stamp SET n = n + 1; END;
CREATE TRIGGER roundtable_feedback_delete_stamp AFTER DELETE ON roundtable_feedback BEGIN UPDATE list_stamp SET n = n + 1; END;
