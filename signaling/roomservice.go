package signaling

import (
	"context"
	"fmt"

	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/remotemedia"
)

// The Server is the embedded media plane the control plane moderates
// through, in-process: the same actions as LiveKit's RoomService.
var _ rooms.MediaPlane = (*Server)(nil)

func (s *Server) existing(name string) (*room, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.rooms[name]; r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("%w: requested room does not exist", rooms.ErrNotFound)
}

func (s *Server) participantIn(room, identity string) (*participant, error) {
	r, err := s.existing(room)
	if err != nil {
		return nil, err
	}
	if p := r.byIdentity(identity); p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("%w: participant does not exist", rooms.ErrNotFound)
}

// ListParticipants implements rooms.MediaPlane.
func (s *Server) ListParticipants(_ context.Context, room string) ([]rooms.MediaParticipant, error) {
	r, err := s.existing(room)
	if err != nil {
		return nil, err
	}
	var out []rooms.MediaParticipant
	for _, p := range r.others(nil) {
		out = append(out, remotemedia.Participant(p.info()))
	}
	return out, nil
}

// MuteTrack implements rooms.MediaPlane: the server's state changes
// first, then the publisher is told, then everyone sees it (clients that
// compare their state with the server's then agree, with no ping-pong).
func (s *Server) MuteTrack(_ context.Context, room, identity, trackSID string) error {
	p, err := s.participantIn(room, identity)
	if err != nil {
		return err
	}
	p.mu.Lock()
	t := p.tracks[trackSID]
	if t == nil {
		p.mu.Unlock()
		return fmt.Errorf("%w: track does not exist", rooms.ErrNotFound)
	}
	changed := !t.info.Muted
	t.info.Muted = true
	if changed {
		p.changedLocked()
	}
	p.mu.Unlock()
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Mute{Mute: &livekit.MuteTrackRequest{Sid: trackSID, Muted: true}}})
	if changed {
		p.room.broadcastInfo(p, true)
	}
	return nil
}

// SetPermissions implements rooms.MediaPlane. Revoking publishing
// unpublishes the participant's tracks at once; revoking subscribing
// drops its subscriptions; granting lets it act without rejoining.
func (s *Server) SetPermissions(_ context.Context, room, identity string, perm rooms.MediaPermission) error {
	p, err := s.participantIn(room, identity)
	if err != nil {
		return err
	}
	p.mu.Lock()
	next := proto.Clone(p.perm).(*livekit.ParticipantPermission)
	next.CanPublish, next.CanSubscribe, next.CanPublishData = perm.CanPublish, perm.CanSubscribe, perm.CanPublishData
	hadSub := p.perm.CanSubscribe
	p.perm = next
	p.changedLocked()
	p.mu.Unlock()
	if !perm.CanPublish {
		for _, sid := range p.unpublishAll() {
			p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_TrackUnpublished{TrackUnpublished: &livekit.TrackUnpublishedResponse{TrackSid: sid}}})
		}
	}
	switch {
	case !perm.CanSubscribe && hadSub:
		p.unsubscribeAll()
		p.negotiate()
	case perm.CanSubscribe && !hadSub && p.autoSubscribe:
		for _, o := range p.room.others(p) {
			for _, t := range o.publishedTracks() {
				p.subscribe(o, t, false)
			}
		}
		p.negotiate()
	}
	p.room.broadcastInfo(p, true)
	p.refreshToken() // a reconnect must not bring back the old grants
	return nil
}

// SetAttributes implements rooms.MediaPlane (an empty value deletes).
func (s *Server) SetAttributes(_ context.Context, room, identity string, attrs map[string]string) error {
	p, err := s.participantIn(room, identity)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.attributes = mergeAttributes(p.attributes, attrs)
	p.changedLocked()
	p.mu.Unlock()
	p.room.broadcastInfo(p, true)
	return nil
}

// SetRoomMetadata implements rooms.MediaPlane: everyone gets room_update.
func (s *Server) SetRoomMetadata(_ context.Context, room, metadata string) error {
	r, err := s.existing(room)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.metadata = metadata
	info := r.infoLocked()
	r.mu.Unlock()
	msg := &livekit.SignalResponse{Message: &livekit.SignalResponse_RoomUpdate{RoomUpdate: &livekit.RoomUpdate{Room: info}}}
	for _, p := range r.others(nil) {
		p.conn().send(msg)
	}
	return nil
}

// RemoveParticipant implements rooms.MediaPlane.
func (s *Server) RemoveParticipant(_ context.Context, room, identity string) error {
	p, err := s.participantIn(room, identity)
	if err != nil {
		return err
	}
	s.revoke(room, identity)
	p.sendLeave(livekit.DisconnectReason_PARTICIPANT_REMOVED, livekit.LeaveRequest_DISCONNECT)
	s.teardown(p, livekit.DisconnectReason_PARTICIPANT_REMOVED, true)
	return nil
}

// DeleteRoom implements rooms.MediaPlane. The end is for good: every
// token issued until now is refused in this room (refreshed ones too, and
// no more are sent), so nobody can re-create it without its moderator.
func (s *Server) DeleteRoom(_ context.Context, room string) error {
	r, err := s.existing(room)
	if err != nil {
		return err
	}
	s.revoke(room, "")
	r.markDeleted()
	for _, p := range r.others(nil) {
		p.sendLeave(livekit.DisconnectReason_ROOM_DELETED, livekit.LeaveRequest_DISCONNECT)
		s.teardown(p, livekit.DisconnectReason_ROOM_DELETED, false)
	}
	s.dropRoomIfEmpty(r)
	return nil
}

// SendData implements rooms.MediaPlane: a reliable user packet from the
// server (no sender identity) to some identities, or all.
func (s *Server) SendData(_ context.Context, room, topic string, data []byte, to []string) error {
	r, err := s.existing(room)
	if err != nil {
		return err
	}
	b, err := proto.Marshal(&livekit.DataPacket{Kind: livekit.DataPacket_RELIABLE, DestinationIdentities: to,
		Value: &livekit.DataPacket_User{User: &livekit.UserPacket{Payload: data, Topic: &topic, DestinationIdentities: to}}})
	if err != nil {
		return err
	}
	for _, p := range r.others(nil) {
		if len(to) == 0 || contains(to, p.identity) {
			p.sendData(b, false)
		}
	}
	return nil
}
