package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
)

// operatorCmd runs `zadankai operator add EMAIL [flags]`: the first
// operator of a fresh deployment (and any later one made on the server
// itself). It reads the same configuration as serve.
func operatorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New(`operator: the only subcommand is "add EMAIL"`)
	}
	cfg, rest, err := parseConfig(args[1:], os.Getenv)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("operator add: name exactly one email address, e.g. zadankai operator add you@example.com")
	}
	if err := cfg.validateExceptKeys(); err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore(store, log)
	public := cfg.Server.PublicURL
	if public == "" { // dev mode only (validated)
		public = fmt.Sprintf("http://%s:%d", cfg.Server.Bind, cfg.Server.Port)
	}
	op, err := api.AddOperator(ctx, store, rest[0], public, time.Now())
	if errors.Is(err, api.ErrAccountExists) {
		return fmt.Errorf("operator add: %s already has an account; nothing was changed (a forgotten password is reset from the login page)", rooms.NormalizeEmail(rest[0]))
	} else if err != nil {
		return fmt.Errorf("operator add: %w", err)
	}
	until := op.ExpiresAt.Local().Format("2006-01-02 15:04 MST")
	if cfg.Mail.SMTPHost != "" {
		mailer, _ := newMailer(cfg, log)
		err := mailer.Send(ctx, rooms.OperatorWelcomeEmail(op.Member, op.Link, op.ExpiresAt))
		if err == nil {
			fmt.Fprintf(stdout, "Operator %s created. A link to set the password (valid until %s, once) was mailed to that address.\n", op.Member.Email, until)
			return nil
		}
		log.Warn("mailing the set-password link failed; printing it instead", "err", err)
	}
	fmt.Fprintf(stdout, "Operator %s created. Set the password with this link (valid until %s, once):\n  %s\n", op.Member.Email, until, op.Link)
	return nil
}
