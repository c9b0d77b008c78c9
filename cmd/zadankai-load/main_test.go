package main

import (
	"strings"
	"testing"
)

// Bad command lines fail before any connection, naming the flag.
func TestFlagErrors(t *testing.T) {
	base := []string{"--url", "ws://198.18.0.2:7880", "--api-key", "k", "--api-secret", "s"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--api-key", "k", "--api-secret", "s"}, "--url is required"},
		{[]string{"--url", "ftp://x", "--api-key", "k", "--api-secret", "s"}, "--url"},
		{[]string{"--url", "ws://198.18.0.2:7880"}, "--api-key"},
		{append(base, "--rooms", "0"), "--rooms"},
		{append(base, "--duration", "2h"), "--duration"},
		{append(base, "--server-pid", "-1"), "--server-pid"},
		{append(base, "--no-such-flag"), "no-such-flag"},
		{append(base, "extra"), "unexpected argument"},
	} {
		err := run(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.args, err, c.want)
		}
	}
}

// The api and ferretdb subcommands check their command lines the same way.
func TestAPIFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"api", "--sqlite", "x.db"}, "--url is required"},
		{[]string{"api", "--url", "http://127.0.0.1:7880"}, "--sqlite FILE or --mongo-uri"},
		{[]string{"api", "--url", "http://127.0.0.1:7880", "--sqlite", "x.db", "--readers", "0"}, "--readers"},
		{[]string{"api", "--no-such-flag"}, "no-such-flag"},
		{[]string{"api", "--url", "http://127.0.0.1:7880,ftp://x", "--sqlite", "x.db"}, `--url "ftp://x"`},
		{[]string{"api", "--url", "http://127.0.0.1:7880", "--url", "x", "--sqlite", "x.db"}, `--url "x"`},
		{[]string{"api", "--url", "http://127.0.0.1:7880", "--sqlite", "x.db", "--mix", "me:1,dance:2"}, "--mix"},
		{[]string{"api", "--url", "http://127.0.0.1:7880", "--sqlite", "x.db", "--mix", "me:0"}, "--mix"},
		{[]string{"ferretdb"}, "one of --dir (SQLite files) or --postgres"},
		{[]string{"ferretdb", "--dir", "/tmp/x", "--postgres", "postgres://127.0.0.1/f"}, "one of --dir"},
		{[]string{"ferretdb", "--postgres", "mysql://127.0.0.1/f"}, "--postgres"},
	} {
		err := run(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.args, err, c.want)
		}
	}
}
