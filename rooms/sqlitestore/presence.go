package sqlitestore

import (
	"context"

	"github.com/zadankai/zadankai/rooms"
)

// GetRoomPresence implements rooms.Store.
func (s *Store) GetRoomPresence(ctx context.Context, room string) (*rooms.RoomPresence, error) {
	var p rooms.RoomPresence
	if err := s.getDocBy(ctx, "room_presence", "room", room, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// PutRoomPresence implements rooms.Store.
func (s *Store) PutRoomPresence(ctx context.Context, p *rooms.RoomPresence) error {
	return s.putDocBy(ctx, "room_presence", "room", p.Room, &p.Version, p)
}
