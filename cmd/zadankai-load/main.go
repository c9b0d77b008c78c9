// Command zadankai-load puts a LiveKit-protocol media server under load
// with Go SDK publishers (Opus-shaped audio, simulcast VP8-shaped video)
// and subscribers, and reports what they received and, given the
// server's PID, the server's CPU time per 1000 forwarded packets.
//
//	zadankai-load --url ws://198.18.0.2:7880 --api-key devkey --api-secret secret \
//	    --publishers 1 --subscribers 30 --duration 20s --server-pid $(pidof zadankai)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	protologger "github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/zadankai/zadankai/cmd/zadankai-load/internal/load"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "zadankai-load:", err)
		}
		os.Exit(2)
	}
}

func run(args []string) error {
	cfg := load.DefaultConfig()
	fs := flag.NewFlagSet("zadankai-load", flag.ContinueOnError)
	fs.StringVar(&cfg.URL, "url", "", "server URL (ws://host:port)")
	fs.StringVar(&cfg.APIKey, "api-key", "", "API key")
	fs.StringVar(&cfg.APISecret, "api-secret", "", "API secret")
	fs.IntVar(&cfg.Rooms, "rooms", cfg.Rooms, "rooms (R)")
	fs.IntVar(&cfg.Publishers, "publishers", cfg.Publishers, "publishers per room (P)")
	fs.IntVar(&cfg.Subscribers, "subscribers", cfg.Subscribers, "subscribe-only participants per room (S)")
	fs.BoolVar(&cfg.PublishersSubscribe, "publishers-subscribe", cfg.PublishersSubscribe, "publishers also subscribe to each other")
	fs.BoolVar(&cfg.AnswerPLI, "answer-pli", cfg.AnswerPLI, "send a keyframe at the next frame when the server asks (PLI/FIR), as browsers do; else only every second")
	fs.IntVar(&cfg.ClientRcvBuf, "client-rcvbuf", cfg.ClientRcvBuf, "receive buffer of the clients' UDP sockets in bytes (capped by net.core.rmem_max), so the tool's own busy process does not drop what the server sent; 0 = kernel default")
	fs.BoolVar(&cfg.Simulcast, "simulcast", cfg.Simulcast, "publish video as q/h/f simulcast (else the 720p layer only)")
	fs.BoolVar(&cfg.Audio, "audio", cfg.Audio, "publish audio")
	fs.BoolVar(&cfg.Video, "video", cfg.Video, "publish video")
	fs.Float64Var(&cfg.JoinRate, "join-rate", cfg.JoinRate, "joins per second, over all rooms")
	fs.DurationVar(&cfg.JoinTimeout, "join-timeout", cfg.JoinTimeout, "time allowed for each join")
	fs.DurationVar(&cfg.MediaWait, "media-wait", cfg.MediaWait, "after the last join, wait at most this long for media on every track")
	fs.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "then wait this long before measuring")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "measured window (the run then stops)")
	fs.StringVar(&cfg.RoomPrefix, "room-prefix", cfg.RoomPrefix, "room names are PREFIX-0, PREFIX-1, ...")
	fs.IntVar(&cfg.ServerPID, "server-pid", 0, "server process id, to measure its CPU time (same machine)")
	jsonOut := fs.Bool("json", false, "print the report as JSON")
	detail := fs.Int("detail", 10, "receivers listed in the table, worst first (0 = none)")
	verbose := fs.Bool("v", false, "show the SDK's warnings")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	level := "error"
	if *verbose {
		level = "warn"
	}
	// The zap logger checks the level before formatting (the SDK's generic
	// adapter formats every pion debug line).
	if zl, err := protologger.NewZapLogger(&protologger.Config{Level: level}); err == nil {
		lksdk.SetLogger(zl)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := load.Run(ctx, cfg, os.Stderr)
	if err != nil {
		return err
	}
	if *jsonOut {
		return rep.WriteJSON(os.Stdout)
	}
	rep.WriteTable(os.Stdout, *detail)
	return nil
}
