package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zadankai/zadankai/rooms/migrate"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// migrateCmd runs `zadankai migrate --from DATA_DIR --to mongodb://…`:
// it opens both stores and hands them to rooms/migrate.
func migrateCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "data directory of the embedded SQLite deployment")
	to := fs.String("to", "", "MongoDB connection string (mongodb://…)")
	db := fs.String("database", "zadankai", "MongoDB database (storage.mongo_database)")
	force := fs.Bool("force", false, "copy into a database holding other data: the source's records overwrite theirs")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return errors.New("migrate: usage: zadankai migrate --from DATA_DIR --to mongodb://HOST/ [--database NAME] [--force]")
	}
	if !strings.HasPrefix(*to, "mongodb://") && !strings.HasPrefix(*to, "mongodb+srv://") {
		return fmt.Errorf("migrate: --to must be a MongoDB connection string (mongodb://… or mongodb+srv://…), got %q", *to)
	}
	if _, err := os.Stat(filepath.Join(*from, sqlitestore.FileName)); err != nil {
		return fmt.Errorf("migrate: no Zadankai database in %s: %w", *from, err)
	}
	src, err := sqlitestore.Open(ctx, *from)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer src.Close(context.WithoutCancel(ctx))
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	dst, err := mongostore.Open(octx, *to, *db, mongostore.Options{})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer dst.Close(context.WithoutCancel(ctx))
	rep, err := migrate.Copy(ctx, src, dst, migrate.Options{Force: *force})
	if rep != nil {
		_ = rep.Write(stdout)
	}
	var ne *migrate.NotEmptyError
	if errors.As(err, &ne) {
		return fmt.Errorf("migrate: %w; nothing was written (--force copies anyway)", err)
	} else if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(stdout, "Every record of %s is in %s, equal.\n", *from, *db)
	return nil
}

// backupCmd runs `zadankai backup --data-dir DIR --to FILE`.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("data-dir", "data", "data directory of the embedded SQLite database")
	to := fs.String("to", "", "new file to write the backup to")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if *to == "" || fs.NArg() > 0 {
		return errors.New("backup: usage: zadankai backup [--data-dir DIR] --to FILE")
	}
	start := time.Now()
	if err := sqlitestore.Backup(ctx, *dir, *to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Backed up %s to %s in %s.\n", filepath.Join(*dir, sqlitestore.FileName), *to, time.Since(start).Round(time.Millisecond))
	return nil
}
