package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/storetest"
)

func TestAddOperator(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	op, err := api.AddOperator(ctx, e.store, " First.Op@Example.com ", "https://zadankai.example.com/", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if op.Member.Role != rooms.RoleOperator || op.Member.PasswordHash != "" || op.Member.Email != "first.op@example.com" ||
		!strings.HasPrefix(op.Link, "https://zadankai.example.com/reset?token=") || op.ExpiresAt.Before(time.Now().Add(6*24*time.Hour)) {
		t.Fatalf("AddOperator = %+v", op)
	}
	if _, err := api.AddOperator(ctx, e.store, "first.op@example.com", "https://x", time.Now()); !errors.Is(err, api.ErrAccountExists) {
		t.Errorf("second AddOperator: %v, want ErrAccountExists", err)
	}
	if _, err := api.AddOperator(ctx, e.store, "not an address", "https://x", time.Now()); err == nil {
		t.Errorf("a malformed address was accepted")
	}
	// A lapsed first link: "forgot password" sends a new one to an
	// operator who never set a password (and still to nobody else without one).
	co := storetest.NewCompany("Passwordless KK")
	if err := e.store.CreateCompany(ctx, co); err != nil {
		t.Fatal(err)
	}
	e.addMemberIn(t, co.ID, "passwordless@example.com")
	for _, addr := range []string{"first.op@example.com", "passwordless@example.com"} {
		if r := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/password-reset", "application/json", `{"email":"`+addr+`"}`); r.status != 202 {
			t.Fatalf("reset request = %d %s", r.status, r.body)
		}
	}
	token := e.lastLink(t, "first.op@example.com")
	r := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/password-reset/confirm", "application/json", `{"token":"`+token+`","password":"operator password"}`)
	if r.status != 204 {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	e.login(t, op.Member, "operator password")
	for _, s := range e.outbox.Messages() {
		if s.Email.To == "passwordless@example.com" {
			t.Errorf("a passwordless non-operator account got a reset link")
		}
	}
}
