package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/zadankai/zadankai/rooms"
)

// GetRoomPresence implements rooms.Store.
func (s *Store) GetRoomPresence(ctx context.Context, room string) (*rooms.RoomPresence, error) {
	var p rooms.RoomPresence
	if err := s.db.Collection("room_presence").FindOne(ctx, bson.D{{Key: "_id", Value: room}}).Decode(&p); err != nil {
		return nil, mapErr(err, "")
	}
	return &p, nil
}

// PutRoomPresence implements rooms.Store.
func (s *Store) PutRoomPresence(ctx context.Context, p *rooms.RoomPresence) error {
	return putDoc(ctx, s.db.Collection("room_presence"), p.Room, &p.Version, p)
}
