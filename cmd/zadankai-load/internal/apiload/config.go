// Package apiload puts the control plane (the REST API) under load:
// concurrent readers of one endpoint for a fixed time, with latency
// percentiles, and a login storm (bcrypt) beside readers of
// /api/v1/me. It seeds roundtables, members and their sessions straight
// into the server's store (SQLite file or MongoDB), so no password
// hashing is spent on setting up.
package apiload

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config is one run.
type Config struct {
	// URL is http(s)://host:port of the server, or of several replicas
	// separated by commas: requests go to each in turn.
	URL string

	// The server's store, which the run seeds: SQLite is its database
	// file (DATA_DIR/zadankai.db); else MongoURI and MongoDatabase.
	SQLite        string
	MongoURI      string
	MongoDatabase string

	// Roundtables to seed (rooms.SeedLoad), with the companies and members
	// they draw on; 0 reuses what an earlier run seeded.
	Roundtables       int
	Companies         int
	MembersPerCompany int

	Readers int // concurrent readers, each looping
	// Rate paces the readers together at this many requests a second,
	// each timed from when it was due (0: each reader asks again as soon
	// as answered, which measures throughput rather than latency).
	Rate float64
	Path string // what readers GET
	// Mix, if set, replaces Path with a weighted draw of operations per
	// request (mix.go), e.g. DefaultMix.
	Mix      string
	Duration time.Duration // per phase; the run then stops
	Timeout  time.Duration // per request
	// Storm runs two phases, readers alone then readers beside Storm
	// clients that log in again and again (unknown accounts: each costs a
	// full password check, as in a guessing attack).
	Storm int
}

// DefaultConfig reads the roundtable list with 200 readers for 20 s.
func DefaultConfig() Config {
	return Config{MongoDatabase: "zadankai", Companies: 10, MembersPerCompany: 30, Readers: 200,
		Path: "/api/v1/roundtables", Duration: 20 * time.Second, Timeout: 30 * time.Second}
}

// Flags binds c's fields to fs.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.Var(urlFlag{&c.URL}, "url", "server base URL (http://127.0.0.1:7880); repeat it or separate by commas for several replicas, asked in turn")
	fs.StringVar(&c.SQLite, "sqlite", c.SQLite, "the server's SQLite database file (DATA_DIR/zadankai.db), to seed")
	fs.StringVar(&c.MongoURI, "mongo-uri", c.MongoURI, "the server's MongoDB, to seed (instead of --sqlite)")
	fs.StringVar(&c.MongoDatabase, "mongo-database", c.MongoDatabase, "its database")
	fs.IntVar(&c.Roundtables, "roundtables", c.Roundtables, "roundtables to seed (0: reuse an earlier run's)")
	fs.IntVar(&c.Companies, "companies", c.Companies, "companies to seed")
	fs.IntVar(&c.MembersPerCompany, "members-per-company", c.MembersPerCompany, "members per seeded company")
	fs.IntVar(&c.Readers, "readers", c.Readers, "concurrent readers")
	fs.Float64Var(&c.Rate, "rate", c.Rate, "requests a second of all readers together, timed from when due (0: as fast as answered)")
	fs.StringVar(&c.Path, "path", c.Path, "what readers GET (with --storm, default /api/v1/me)")
	fs.StringVar(&c.Mix, "mix", c.Mix, "instead of --path, a weighted mix of operations, e.g. "+DefaultMix+" (names: "+strings.Join(mixOps, ", ")+")")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "measured time (per phase with --storm)")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "per request")
	fs.IntVar(&c.Storm, "storm", c.Storm, "clients logging in again and again beside the readers (0: none)")
}

// urlFlag is --url, given once with commas or several times.
type urlFlag struct{ to *string }

func (f urlFlag) String() string {
	if f.to == nil {
		return ""
	}
	return *f.to
}

func (f urlFlag) Set(v string) error {
	if *f.to != "" {
		v = *f.to + "," + v
	}
	*f.to = v
	return nil
}

// urls are the servers' base URLs.
func (c Config) urls() []string {
	var out []string
	for u := range strings.SplitSeq(c.URL, ",") {
		out = append(out, strings.TrimSuffix(strings.TrimSpace(u), "/"))
	}
	return out
}

// Validate reports the first bad field, by its flag name.
func (c Config) Validate() error {
	if c.URL == "" {
		return errors.New("--url is required")
	}
	for _, s := range c.urls() {
		if u, err := url.Parse(s); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("--url %q: want http:// or https:// with a host", s)
		}
	}
	if c.Mix != "" {
		if _, err := parseMix(c.Mix); err != nil {
			return err
		}
	}
	switch {
	case (c.SQLite == "") == (c.MongoURI == ""):
		return errors.New("give the server's store: --sqlite FILE or --mongo-uri URI")
	case c.Roundtables < 0 || c.Roundtables > 100_000:
		return fmt.Errorf("--roundtables %d: want 0..100000", c.Roundtables)
	case c.Roundtables > 0 && (c.Companies < 1 || c.MembersPerCompany < 10):
		return errors.New("--companies must be at least 1 and --members-per-company at least 10")
	case c.Readers < 1 || c.Readers > 10_000:
		return fmt.Errorf("--readers %d: want 1..10000", c.Readers)
	case c.Path == "" || c.Path[0] != '/':
		return fmt.Errorf("--path %q: want an absolute path", c.Path)
	case c.Duration <= 0 || c.Duration > time.Hour:
		return fmt.Errorf("--duration %v: want (0, 1h]", c.Duration)
	case c.Timeout <= 0:
		return errors.New("--timeout must be positive")
	case c.Rate < 0 || c.Rate > 100_000:
		return fmt.Errorf("--rate %g: want 0..100000", c.Rate)
	case c.Storm < 0 || c.Storm > 1000:
		return fmt.Errorf("--storm %d: want 0..1000", c.Storm)
	}
	return nil
}
