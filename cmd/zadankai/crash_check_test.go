package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// check verifies the data after a restart and then takes what it found as
// the ledger's truth (a change sent without an answer may or may not have
// happened; either is right, but the next round starts from what did).
func (w *crashWorld) check(t *testing.T, s rooms.Store) []string {
	t.Helper()
	ctx := context.Background()
	var problems []string
	for _, r := range w.roundtables {
		problems = append(problems, w.checkRoundtable(t, ctx, s, r.ID)...)
	}
	return append(problems, w.checkBookings(t, ctx, s)...)
}

func (w *crashWorld) checkRoundtable(t *testing.T, ctx context.Context, s rooms.Store, id rooms.RoundtableID) (problems []string) {
	t.Helper()
	r, err := s.GetRoundtable(ctx, id)
	must(t, err)
	regs, err := s.ListRegistrations(ctx, id)
	must(t, err)
	seated, waiting := 0, 0
	status := map[rooms.MemberID]rooms.RegistrationStatus{}
	for _, reg := range regs {
		status[reg.MemberID] = reg.Status
		switch reg.Status {
		case rooms.Registered:
			seated++
		case rooms.Waitlisted:
			waiting++
		}
	}
	if seated > r.Capacity {
		problems = append(problems, fmt.Sprintf("%s has %d people in %d seats", r.Title, seated, r.Capacity))
	}
	if waiting > 0 && seated < r.Capacity {
		problems = append(problems, fmt.Sprintf("%s has %d free seats and %d people waiting: a seat is held by nobody", r.Title, r.Capacity-seated, waiting))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range w.members {
		l := w.seats[seatKey(m.ID, id)]
		if l == nil {
			l = &seatLedger{}
			w.seats[seatKey(m.ID, id)] = l
		}
		got := status[m.ID]
		if !seatAllows(l.last, got) && !(l.unsure != "" && seatAllows(l.unsure, got)) {
			problems = append(problems, fmt.Sprintf("%s is %q at %s; the last answered change was %q (unanswered: %q)", m.Email, got, r.Title, l.last, l.unsure))
		}
		l.last, l.unsure = seatOpFor(got), ""
	}
	return problems
}

// seatAllows reports whether status can follow an answered op.
func seatAllows(op string, status rooms.RegistrationStatus) bool {
	switch op {
	case "register":
		return status == rooms.Registered || status == rooms.Waitlisted
	case "withdraw":
		return status == rooms.Withdrawn
	}
	return status == ""
}

func seatOpFor(status rooms.RegistrationStatus) string {
	switch status {
	case rooms.Registered, rooms.Waitlisted:
		return "register"
	case rooms.Withdrawn:
		return "withdraw"
	}
	return ""
}

// checkBookings verifies that answered changes of consultations are kept,
// that nobody is booked twice at one time and that exactly the booked
// times are claimed.
func (w *crashWorld) checkBookings(t *testing.T, ctx context.Context, s rooms.Store) (problems []string) {
	t.Helper()
	var booked []*rooms.Consultation
	want := map[string]bool{}
	all, problems := w.allConsultations(t, ctx, s)
	for _, c := range all {
		w.mu.Lock()
		ack := w.acked[c.ID]
		w.mu.Unlock()
		if c.Version < ack.version || c.Version == ack.version && string(c.Status) != ack.status {
			problems = append(problems, fmt.Sprintf("consultation %s is %s at version %d; an answer showed %s at version %d", c.ID, c.Status, c.Version, ack.status, ack.version))
		}
		if c.Status == rooms.StatusBooked && c.Booked != nil {
			booked = append(booked, c)
			for _, k := range c.TimeKeys() {
				want[k] = true
			}
		}
	}
	for i, a := range booked {
		for _, b := range booked[i+1:] {
			if overlaps(a, b) {
				problems = append(problems, fmt.Sprintf("%s and %s book one person twice at once", a.ID, b.ID))
			}
		}
	}
	have := map[string]bool{}
	for _, k := range timeClaims(t, s) {
		have[k] = true
	}
	for k := range have {
		if !want[k] {
			problems = append(problems, fmt.Sprintf("time %s is claimed but no booking holds it", k))
		}
	}
	for k := range want {
		if !have[k] {
			problems = append(problems, fmt.Sprintf("time %s is booked but not claimed", k))
		}
	}
	return problems
}

// allConsultations reads every consultation of the members (those asked
// for during the run too) and refreshes the members' lists with them.
func (w *crashWorld) allConsultations(t *testing.T, ctx context.Context, s rooms.Store) (all []*rooms.Consultation, problems []string) {
	t.Helper()
	seen := map[rooms.ConsultationID]bool{}
	for _, m := range w.members {
		list, err := s.ListMemberConsultations(ctx, m.ID)
		must(t, err)
		ids := make([]rooms.ConsultationID, len(list))
		for i, c := range list {
			ids[i] = c.ID
			if !seen[c.ID] {
				seen[c.ID] = true
				all = append(all, c)
			}
		}
		w.mu.Lock()
		w.consults[m.ID] = ids
		w.mu.Unlock()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range w.acked {
		if !seen[id] {
			problems = append(problems, fmt.Sprintf("consultation %s was answered 2xx and is gone", id))
		}
	}
	return all, problems
}

func overlaps(a, b *rooms.Consultation) bool {
	shared := slices.ContainsFunc([]rooms.MemberID{a.RequesterID, a.RecipientID}, func(m rooms.MemberID) bool {
		return m == b.RequesterID || m == b.RecipientID
	})
	return shared && a.Booked.Start.Before(b.Booked.End()) && b.Booked.Start.Before(a.Booked.End())
}

// timeClaims lists every claimed quarter hour of booked time.
func timeClaims(t *testing.T, s rooms.Store) []string {
	t.Helper()
	list, err := s.ListClaims(context.Background(), rooms.TimeClaimPrefix, time.Now().Add(time.Hour))
	must(t, err)
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Key
	}
	return out
}
