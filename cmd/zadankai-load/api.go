package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
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
// MongoDB store is tested on (SQLite handler, as rooms/mongostore's
// tests start it), on its own until interrupted.
func runFerretDB(args []string) error {
	fs := flag.NewFlagSet("zadankai-load ferretdb", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:27017", "address to listen on")
	dir := fs.String("dir", "", "directory of its SQLite files (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("--dir is required")
	}
	f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Handler: "sqlite",
		SQLiteURL: "file:" + *dir + "/", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(os.Stderr, "FerretDB at", f.MongoDBURI())
	return f.Run(ctx)
}
