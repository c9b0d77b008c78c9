// Package ferrettest starts the FerretDB test server in-process: the only
// MongoDB-wire server on these machines (storage.md). Only tests and
// their tool cmd/zadankai/testdata/ferretdb import it.
package ferrettest

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running FerretDB on a SQLite directory of its own.
type Server struct {
	// URI is its MongoDB connection string (127.0.0.1, a free port).
	URI    string
	dir    string
	cancel context.CancelFunc
	done   chan struct{}
}

// Start runs FerretDB (handler "sqlite", a temporary directory, a quiet
// logger) until Stop.
func Start() (*Server, error) {
	dir, err := os.MkdirTemp("", "ferretdb-")
	if err != nil {
		return nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{URI: f.MongoDBURI(), dir: dir, cancel: cancel, done: make(chan struct{})}
	go func() { _ = f.Run(ctx); close(s.done) }()
	return s, nil
}

// Stop ends the server and removes its data.
func (s *Server) Stop() {
	s.cancel()
	<-s.done
	os.RemoveAll(s.dir)
}
