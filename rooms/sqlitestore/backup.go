package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database of dataDir to the new
// file to, while servers may go on reading and writing it: VACUUM INTO
// reads one snapshot (a read transaction under WAL) and writes a compact
// database file, which is restored by putting it in place of FileName.
// It neither migrates nor otherwise writes the database, so a backup by a
// newer binary leaves the running server's schema alone. An existing to
// is refused: a backup never overwrites another.
func Backup(ctx context.Context, dataDir, to string) error {
	path := filepath.Join(dataDir, FileName)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlitestore: no database to back up in %s: %w", dataDir, err)
	}
	switch _, err := os.Stat(to); {
	case err == nil:
		return fmt.Errorf("sqlitestore: %s exists already; a backup goes to a new file", to)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("sqlitestore: backup to %s: %w", to, err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, to); err != nil {
		_ = os.Remove(to) // a partial file is no backup
		return fmt.Errorf("sqlitestore: backup to %s: %w", to, err)
	}
	return nil
}
