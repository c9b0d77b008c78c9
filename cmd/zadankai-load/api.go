package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"

	"github.com/zadankai/zadankai/cmd/zadankai-load/internal/apiload"
)

// runAPI is "zadankai-load api": control-plane load (package apiload).
func runAPI(args []string) error {
	cfg := apiload.DefaultConfig()
	fs := flag.NewFlagSet("zadankai-load api", flag.ContinueOnError)
	cfg.Flags(fs)
	jsonOut := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	pathSet := false
	fs.Visit(func(f *flag.Flag) { pathSet = pathSet || f.Name == "path" })
	if cfg.Storm > 0 && !pathSet {
		cfg.Path = "/api/v1/me"
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := apiload.Run(ctx, cfg, os.Stderr)
	if err != nil {
		return err
	}
	if *jsonOut {
		return rep.WriteJSON(os.Stdout)
	}
	rep.WriteTable(os.Stdout)
	return nil
}

// runFerretDB is "zadankai-load ferretdb": the FerretDB v1 server the
// MongoDB store is tested on, on its own until interrupted: over SQLite
// files (--dir, as rooms/mongostore's tests start it) or over a
// PostgreSQL database (--postgres), whose indexes FerretDB uses where
// its SQLite backend scans (docs/benchmarks.md).
func runFerretDB(args []string) error {
	fs := flag.NewFlagSet("zadankai-load ferretdb", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:27017", "address to listen on")
	dir := fs.String("dir", "", "directory of its SQLite files (this or --postgres)")
	pg := fs.String("postgres", "", "PostgreSQL URL to keep the data in instead, e.g. postgres://127.0.0.1:5432/ferretdb")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := ferretConfig(*listen, *dir, *pg)
	if err != nil {
		return err
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(os.Stderr, "FerretDB ("+cfg.Handler+") at", f.MongoDBURI())
	return f.Run(ctx)
}

// ferretConfig is FerretDB's configuration for one of dir or pg.
func ferretConfig(listen, dir, pg string) (*ferretdb.Config, error) {
	cfg := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: listen}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	switch {
	case (dir == "") == (pg == ""):
		return nil, fmt.Errorf("give one of --dir (SQLite files) or --postgres URL")
	case pg != "":
		if u, err := url.Parse(pg); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return nil, fmt.Errorf("--postgres %q: want postgres://host:port/database", pg)
		}
		cfg.Handler, cfg.PostgreSQLURL = "postgresql", pg
	default:
		cfg.Handler, cfg.SQLiteURL = "sqlite", "file:"+dir+"/"
	}
	return cfg, nil
}
