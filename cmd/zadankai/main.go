// Command zadankai is the whole Zadankai server in one binary: web UI,
// control-plane API, LiveKit-compatible signaling and the SFU.
//
//	zadankai serve [flags]              run the server
//	zadankai operator add EMAIL [flags] create an operator, print its set-password link
//	zadankai migrate --from DIR --to URI copy a SQLite deployment into MongoDB
//	zadankai backup --to FILE           back up the SQLite database, also while serving
//	zadankai version                    print the version
//	zadankai help [serve]    show usage
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		ctx, stop := signalContext(stderr)
		defer stop()
		if err := serve(ctx, args[1:], stdout, stderr); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage(stdout)
				return 0
			}
			fmt.Fprintln(stderr, "zadankai:", err)
			return 1
		}
		return 0
	case "operator":
		if err := operatorCmd(context.Background(), args[1:], stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "zadankai:", err)
			return 1
		}
		return 0
	case "migrate", "backup":
		cmd := map[string]func(context.Context, []string, io.Writer) error{"migrate": migrateCmd, "backup": backupCmd}[args[0]]
		if err := cmd(context.Background(), args[1:], stdout); err != nil {
			fmt.Fprintln(stderr, "zadankai:", err)
			return 1
		}
		return 0
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "zadankai", version)
		return 0
	case "help", "--help", "-h":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "zadankai: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  zadankai serve [flags]               run the server (web UI, API, signaling, SFU)
  zadankai operator add EMAIL [flags]  create an operator account without a password and
                                       print (or, with SMTP, mail) a one-time link to set it
  zadankai migrate --from DATA_DIR --to mongodb://HOST/ [--database NAME] [--force]
                                       copy an embedded SQLite deployment into MongoDB, then
                                       check every record; a second run writes nothing
  zadankai backup [--data-dir DIR] --to FILE
                                       consistent copy of the SQLite database, also while serving
  zadankai version                     print the version

Flags of serve and operator add (they override the config file and ZADANKAI_* variables):
`)
	usageFlags(w)
}

// signalContext is cancelled by the first SIGINT or SIGTERM, which starts
// a graceful drain; a second signal exits at once.
func signalContext(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	stopped := make(chan struct{})
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
			cancel()
		case <-stopped:
			return
		}
		// Not ctx.Done(): it is already closed by the first signal.
		select {
		case <-ch:
			fmt.Fprintln(stderr, "zadankai: second signal, exiting now")
			os.Exit(130)
		case <-stopped:
		}
	}()
	return ctx, func() { signal.Stop(ch); close(stopped); cancel() }
}
