package apiload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// openStore opens the server's store. One MongoDB connection: the
// FerretDB test server loses concurrent writes otherwise (storage.md),
// and seeding writes one record at a time anyway.
func openStore(ctx context.Context, c Config) (rooms.Store, error) {
	if c.SQLite != "" {
		return sqlitestore.OpenFile(ctx, c.SQLite)
	}
	return mongostore.Open(ctx, c.MongoURI, c.MongoDatabase, mongostore.Options{MaxPoolSize: 1})
}

// members seeds the roundtables of c, or finds the members an earlier run
// seeded (companies named "Load …" by rooms.SeedLoad).
func members(ctx context.Context, s rooms.Store, c Config, log io.Writer) ([]*rooms.Member, error) {
	if c.Roundtables > 0 {
		start := time.Now()
		seed, err := rooms.SeedLoad(ctx, s, rooms.LoadSize{Roundtables: c.Roundtables, Companies: c.Companies,
			MembersPerCompany: c.MembersPerCompany, Seed: 1}, time.Now())
		if err != nil {
			return nil, fmt.Errorf("seeding: %w", err)
		}
		fmt.Fprintf(log, "seeded %d roundtables, %d members, %d registrations in %.1f s\n",
			len(seed.Roundtables), len(seed.Members), seed.Registrations, time.Since(start).Seconds())
		return seed.Members, nil
	}
	cos, err := s.ListCompanies(ctx)
	if err != nil {
		return nil, err
	}
	var out []*rooms.Member
	for _, co := range cos {
		if !strings.HasPrefix(co.Name, "Load ") {
			continue
		}
		ms, err := s.ListMembersByCompany(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	if len(out) == 0 {
		return nil, errors.New("no seeded members in this store: give --roundtables N")
	}
	return out, nil
}

// sessions starts n sessions, spread over ms, and returns their readers
// and a function that ends them.
func sessions(ctx context.Context, s rooms.Store, ms []*rooms.Member, n int) ([]*reader, func(), error) {
	var ids []rooms.SessionID
	end := func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		for _, id := range ids {
			_ = s.DeleteSession(ctx, id)
		}
	}
	var out []*reader
	for i := range n {
		secret, m := rooms.NewSecret(), ms[i%len(ms)]
		ses := &rooms.Session{ID: rooms.SessionIDFor(secret), MemberID: m.ID, CSRFToken: rooms.NewSecret(),
			UserAgent: "zadankai-load", ExpiresAt: time.Now().Add(2 * time.Hour)}
		if err := s.CreateSession(ctx, ses); err != nil {
			end()
			return nil, nil, err
		}
		ids = append(ids, ses.ID)
		out = append(out, &reader{member: m, cookie: "zadankai_session=" + secret, csrf: ses.CSRFToken})
	}
	return out, end, nil
}
