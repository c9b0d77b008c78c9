package mongostore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mongostore"
)

// TestSeatsMoveIntoRoundtables opens a database written by an earlier
// version (a document per registration, seats claimed apart) and finds
// every registration in place, with seats counted and changed as now.
func TestSeatsMoveIntoRoundtables(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := fmt.Sprintf("zt_move_%d", dbSeq.Add(1))
	client, err := mongo.Connect(options.Client().ApplyURI(ferretURI).SetMaxPoolSize(1))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	db := client.Database(name)
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	rt, a, b := rooms.NewRoundtableID(), rooms.NewMemberID(), rooms.NewMemberID()
	start := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Millisecond)
	if _, err := db.Collection("roundtables").InsertOne(ctx, bson.D{{Key: "_id", Value: string(rt)}, {Key: "title", Value: "古い座談会"},
		{Key: "start", Value: start}, {Key: "capacity", Value: 1}, {Key: "version", Value: int64(1)}}); err != nil {
		t.Fatal(err)
	}
	for i, reg := range []struct {
		m      rooms.MemberID
		status rooms.RegistrationStatus
	}{{a, rooms.Registered}, {b, rooms.Waitlisted}} {
		if _, err := db.Collection("registrations").InsertOne(ctx, bson.D{{Key: "_id", Value: string(rt) + ":" + string(reg.m)},
			{Key: "roundtable_id", Value: string(rt)}, {Key: "member_id", Value: string(reg.m)}, {Key: "status", Value: string(reg.status)},
			{Key: "seat", Value: 1 - i}, {Key: "queued_at", Value: start.Add(time.Duration(i-72) * time.Hour)}, {Key: "version", Value: int64(1)}}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := mongostore.Open(ctx, ferretURI, name, mongostore.Options{MaxPoolSize: 1}) // moves them
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	regs, err := s.ListRegistrations(ctx, rt)
	if err != nil || len(regs) != 2 || regs[0].MemberID != a || regs[0].Status != rooms.Registered || regs[1].Status != rooms.Waitlisted {
		t.Fatalf("registrations after the move: %+v, %v", regs, err)
	}
	if mine, err := s.ListMemberRegistrations(ctx, b); err != nil || len(mine) != 1 || mine[0].RoundtableID != rt {
		t.Errorf("ListMemberRegistrations after the move = %+v, %v", mine, err)
	}
	r, _ := s.GetRoundtable(ctx, rt)
	if _, promoted, err := rooms.Withdraw(ctx, s, r, a); err != nil || promoted == nil || promoted.MemberID != b {
		t.Errorf("withdrawing after the move promoted %+v (%v), want the waiting member", promoted, err)
	}
}
