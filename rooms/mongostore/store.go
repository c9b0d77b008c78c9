// Package mongostore implements rooms.Store on MongoDB with the official
// driver (go.mongodb.org/mongo-driver/v2): what a production deployment runs,
// against a replica set or a managed service. It is the only package that
// imports the driver.
//
// It keeps to the subset of MongoDB that FerretDB (the test server here)
// also implements: no multi-document transactions, no TTL or partial
// indexes, no multi-accumulator $group (see docs/storage.md of the team).
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// Options tune the client; zero values mean the driver's defaults.
type Options struct {
	// MaxPoolSize caps connections; 1 serialises every operation, which the
	// FerretDB test server needs to avoid losing concurrent updates.
	MaxPoolSize uint64
}

// Store is a rooms.Store on one MongoDB database.
type Store struct {
	client    *mongo.Client
	db        *mongo.Database
	companies *mongo.Collection
	members   *mongo.Collection
	sessions  *mongo.Collection
}

var _ rooms.Store = (*Store)(nil)

// Open connects to uri, uses database dbName and creates the indexes.
func Open(ctx context.Context, uri, dbName string, opt Options) (*Store, error) {
	co := options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second)
	if opt.MaxPoolSize > 0 {
		co.SetMaxPoolSize(opt.MaxPoolSize)
	}
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, fmt.Errorf("mongostore: connect: %w", err)
	}
	db := client.Database(dbName)
	s := &Store{
		client:    client,
		db:        db,
		companies: db.Collection("companies"),
		members:   db.Collection("members"),
		sessions:  db.Collection("sessions"),
	}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongostore: indexes: %w", err)
	}
	if err := s.migrateSeats(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongostore: moving registrations into their roundtables: %w", err)
	}
	if err := s.migrateSeatCounts(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongostore: counting seats: %w", err)
	}
	_ = s.touched(ctx, nil) // the migrations may have changed what lists show
	return s, nil
}

// ensureIndexes creates every index the queries rely on; creating an
// existing index with the same definition is a no-op, so this is idempotent.
func (s *Store) ensureIndexes(ctx context.Context) error {
	idx := []struct {
		coll  *mongo.Collection
		model mongo.IndexModel
	}{
		{s.companies, mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}}, Options: options.Index().SetName("name")}},
		{s.members, mongo.IndexModel{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email_unique").SetUnique(true)}},
		{s.members, mongo.IndexModel{Keys: bson.D{{Key: "company_id", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("company_created")}},
		{s.sessions, mongo.IndexModel{Keys: bson.D{{Key: "member_id", Value: 1}}, Options: options.Index().SetName("member")}},
		{s.sessions, mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires")}},
		{s.db.Collection("invitations"), mongo.IndexModel{Keys: bson.D{{Key: "token_hash", Value: 1}}, Options: options.Index().SetName("token_unique").SetUnique(true)}},
		{s.db.Collection("invitations"), mongo.IndexModel{Keys: bson.D{{Key: "company_id", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("company_created")}},
		{s.db.Collection("consultations"), mongo.IndexModel{Keys: bson.D{{Key: "requester_id", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("requester")}},
		{s.db.Collection("consultations"), mongo.IndexModel{Keys: bson.D{{Key: "recipient_id", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("recipient")}},
		{s.db.Collection("consultations"), mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "booked.start", Value: 1}}, Options: options.Index().SetName("booked")}},
		{s.db.Collection("consultations"), mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: 1}}, Options: options.Index().SetName("created")}},
		{s.db.Collection("blocks"), mongo.IndexModel{Keys: bson.D{{Key: "blocked_id", Value: 1}}, Options: options.Index().SetName("blocked")}},
		{s.db.Collection("blocks"), mongo.IndexModel{Keys: bson.D{{Key: "blocker_id", Value: 1}}, Options: options.Index().SetName("blocker")}},
		{s.db.Collection("feedback"), mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: 1}}, Options: options.Index().SetName("created")}},
		{s.db.Collection("roundtables"), mongo.IndexModel{Keys: bson.D{{Key: "start", Value: 1}}, Options: options.Index().SetName("start")}},
		{s.db.Collection("registrations"), mongo.IndexModel{Keys: bson.D{{Key: "roundtable_id", Value: 1}, {Key: "queued_at", Value: 1}}, Options: options.Index().SetName("roundtable_queue")}},
		{s.db.Collection("password_resets"), mongo.IndexModel{Keys: bson.D{{Key: "member_id", Value: 1}}, Options: options.Index().SetName("member")}},
		{s.db.Collection("registrations"), mongo.IndexModel{Keys: bson.D{{Key: "member_id", Value: 1}}, Options: options.Index().SetName("member")}},
		{s.db.Collection("audit"), mongo.IndexModel{Keys: bson.D{{Key: "roundtable_id", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("roundtable_at")}},
		{s.db.Collection("audit"), mongo.IndexModel{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("at")}},
		// Roundtable feedback and the operators' audit pages (issue 6).
		{s.db.Collection("roundtable_feedback"), mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: 1}}, Options: options.Index().SetName("created")}},
		{s.db.Collection("audit"), mongo.IndexModel{Keys: bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("at_id_desc")}},
		// A member's data export lists the feedback she gave (issue 12).
		{s.db.Collection("feedback"), mongo.IndexModel{Keys: bson.D{{Key: "author_id", Value: 1}}, Options: options.Index().SetName("author")}},
		{s.db.Collection("roundtable_feedback"), mongo.IndexModel{Keys: bson.D{{Key: "author_id", Value: 1}}, Options: options.Index().SetName("author")}},
		// One record per subscribed browser, listed per member (issue 17).
		{s.db.Collection("push_subscriptions"), mongo.IndexModel{Keys: bson.D{{Key: "endpoint", Value: 1}}, Options: options.Index().SetName("endpoint_unique").SetUnique(true)}},
		{s.db.Collection("push_subscriptions"), mongo.IndexModel{Keys: bson.D{{Key: "member_id", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("member_created")}},
		{s.db.Collection("held_notices"), mongo.IndexModel{Keys: bson.D{{Key: "due", Value: 1}}, Options: options.Index().SetName("due")}},
		{s.db.Collection("held_notices"), mongo.IndexModel{Keys: bson.D{{Key: "member_id", Value: 1}}, Options: options.Index().SetName("member")}},
		// Anonymous questions and quick polls (issue 16).
		{s.db.Collection("questions"), mongo.IndexModel{Keys: bson.D{{Key: "roundtable_id", Value: 1}, {Key: "created_at", Value: 1}}, Options: options.Index().SetName("roundtable_created")}},
		{s.db.Collection("question_votes"), mongo.IndexModel{Keys: bson.D{{Key: "roundtable_id", Value: 1}}, Options: options.Index().SetName("roundtable")}},
		{s.db.Collection("question_votes"), mongo.IndexModel{Keys: bson.D{{Key: "question_id", Value: 1}}, Options: options.Index().SetName("question")}},
		{s.db.Collection("polls"), mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: 1}}, Options: options.Index().SetName("created")}},
		{s.db.Collection("ballots"), mongo.IndexModel{Keys: bson.D{{Key: "poll_id", Value: 1}}, Options: options.Index().SetName("poll")}},
	}
	for _, i := range idx {
		if _, err := i.coll.Indexes().CreateOne(ctx, i.model); err != nil {
			return fmt.Errorf("%s: %w", i.coll.Name(), err)
		}
	}
	return nil
}

// Ping implements rooms.Store.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
}

// Close implements rooms.Store.
func (s *Store) Close(ctx context.Context) error { return s.client.Disconnect(ctx) }

// Drop removes the whole database; tests use it to clean up.
func (s *Store) Drop(ctx context.Context) error { return s.db.Drop(ctx) }

// mapErr turns driver errors into domain errors, in one place.
func mapErr(err error, uniqueField string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return rooms.ErrNotFound
	case mongo.IsDuplicateKeyError(err):
		return &rooms.ConflictError{Field: uniqueField}
	}
	return fmt.Errorf("mongostore: %w", err)
}

// now returns the current time at the millisecond precision BSON keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// updateVersioned replaces the document with _id id if its version is still
// version (compare-and-set), bumping the version; a miss is ErrNotFound or
// a version conflict, depending on whether the document exists.
func updateVersioned(ctx context.Context, coll *mongo.Collection, id string, version int64, set bson.D, uniqueField string) error {
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}},
		bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return mapErr(err, uniqueField)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	n, err := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr(err, "")
	}
	if n == 0 {
		return rooms.ErrNotFound
	}
	return &rooms.ConflictError{}
}
