// Package sqlitestore implements rooms.Store on SQLite (modernc.org/sqlite,
// pure Go): the embedded default, one file under the data directory, WAL
// journal, numbered migrations applied at start-up.
package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/zadankai/zadankai/rooms"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// FileName is the database file inside the data directory.
const FileName = "zadankai.db"

// Store is a rooms.Store on one SQLite file.
type Store struct {
	db *sql.DB
}

var _ rooms.Store = (*Store)(nil)

// Open opens (creating if needed) the database in dataDir and migrates it.
func Open(ctx context.Context, dataDir string) (*Store, error) {
	return OpenFile(ctx, filepath.Join(dataDir, FileName))
}

// OpenFile opens the database at path and migrates it.
func OpenFile(ctx context.Context, path string) (*Store, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlitestore: migrate %s: %w", path, err)
	}
	return s, nil
}

func dsn(path string) string {
	q := url.Values{}
	// busy_timeout lets concurrent writers queue instead of failing with
	// SQLITE_BUSY; _txlock=immediate takes the write lock at BEGIN so
	// read-then-write transactions cannot deadlock on upgrade.
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// migrate applies, in order and each in its own transaction, the numbered
// migrations not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	seen := map[int]string{}
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its number", name)
		}
		if other, dup := seen[n]; dup { // one of them would never run
			return fmt.Errorf("migrations %s and %s share the number %d", other, name, n)
		}
		seen[n] = name
		if err := s.applyMigration(ctx, n, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, n int, name string) error {
	body, err := migrationFS.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, n).Scan(&done); err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, n, time.Now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// Ping implements rooms.Store.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Close implements rooms.Store.
func (s *Store) Close(context.Context) error { return s.db.Close() }

// mapErr turns driver errors into domain errors, in one place.
func mapErr(err error, uniqueField string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return rooms.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &rooms.ConflictError{Field: uniqueField}
		}
	}
	return fmt.Errorf("sqlitestore: %w", err)
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// stamp sets creation and update times at millisecond precision, the
// precision both stores keep.
func stamp(created, updated *time.Time) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	if created.IsZero() {
		*created = now
	}
	*created = created.UTC().Truncate(time.Millisecond)
	*updated = now
}

// rowsAffected returns ErrNotFound or a version conflict when an update
// touched nothing; which one depends on whether the row exists.
func (s *Store) noRowUpdated(ctx context.Context, table, id string) error {
	return noRowUpdatedIn(ctx, s.db, table, id)
}

// noRowUpdatedIn is noRowUpdated inside q (a transaction).
func noRowUpdatedIn(ctx context.Context, q querier, table, id string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return mapErr(err, "")
	}
	if n == 0 {
		return rooms.ErrNotFound
	}
	return &rooms.ConflictError{}
}
