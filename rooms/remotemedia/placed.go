package remotemedia

import (
	"context"

	"github.com/zadankai/zadankai/rooms"
)

// Placed moderates each room where it lives when rooms are placed on
// several nodes of the embedded SFU (rooms.Placement): through this
// node's own plane when it hosts the room (or nobody does), else through
// the RoomService of the node that does. Moderation state that lives in
// a media room (who is there, the lobby queue, removals) is thus read
// and changed on the one node that has it.
type Placed struct {
	Local     rooms.MediaPlane
	Placement *rooms.Placement
	// Key and Secret sign the calls to other nodes (every node shares them).
	Key, Secret string
}

var _ rooms.MediaPlane = (*Placed)(nil)

func (p *Placed) plane(ctx context.Context, room string) (rooms.MediaPlane, error) {
	url, here, err := p.Placement.Where(ctx, room)
	if err != nil {
		return nil, err
	}
	if here || url == "" {
		return p.Local, nil
	}
	return New(url, p.Key, p.Secret), nil
}

// ListParticipants implements rooms.MediaPlane.
func (p *Placed) ListParticipants(ctx context.Context, room string) ([]rooms.MediaParticipant, error) {
	m, err := p.plane(ctx, room)
	if err != nil {
		return nil, err
	}
	return m.ListParticipants(ctx, room)
}

// MuteTrack implements rooms.MediaPlane.
func (p *Placed) MuteTrack(ctx context.Context, room, identity, trackSID string) error {
	return p.do(ctx, room, func(m rooms.MediaPlane) error { return m.MuteTrack(ctx, room, identity, trackSID) })
}

// SetPermissions implements rooms.MediaPlane.
func (p *Placed) SetPermissions(ctx context.Context, room, identity string, perm rooms.MediaPermission) error {
	return p.do(ctx, room, func(m rooms.MediaPlane) error { return m.SetPermissions(ctx, room, identity, perm) })
}

// SetAttributes implements rooms.MediaPlane.
func (p *Placed) SetAttributes(ctx context.Context, room, identity string, attrs map[string]string) error {
	return p.do(ctx, room, func(m rooms.MediaPlane) error { return m.SetAttributes(ctx, room, identity, attrs) })
}

// SetRoomMetadata implements rooms.MediaPlane.
func (p *Placed) SetRoomMetadata(ctx context.Context, room, metadata string) error {
	return p.do(ctx, room, func(m rooms.MediaPlane) error { return m.SetRoomMetadata(ctx, room, metadata) })
}

// RemoveParticipant implements rooms.MediaPlane.
func (p *Placed) RemoveParticipant(ctx context.Context, room, identity string) error {
	return p.do(ctx, room, func(m rooms.MediaPlane) error { return m.RemoveParticipant(ctx, room, identity) })
}

// DeleteRoom implements rooms.MediaPlane.
func (p *Placed) DeleteRoom(ctx context.Context, room string) error {
	return p.do(ctx, room, func(m rooms.MediaPlane) error { return m.DeleteRoom(ctx, room) })
}

// SendData implements rooms.MediaPlane.
func (p *Placed) SendData(ctx context.Context, room, topic string, data []byte, to []string) error {
	return p.do(ctx, room, func(m rooms.MediaPlane) error { return m.SendData(ctx, room, topic, data, to) })
}

func (p *Placed) do(ctx context.Context, room string, call func(rooms.MediaPlane) error) error {
	m, err := p.plane(ctx, room)
	if err != nil {
		return err
	}
	return call(m)
}
