package signaling

import (
	"context"
	"errors"
	"net/http"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/twitchtv/twirp"

	"github.com/zadankai/zadankai/rooms"
)

// RoomServiceHandler serves LiveKit's RoomService over twirp (protobuf
// and JSON) at /twirp/livekit.RoomService/<Method>, authorised by API-key
// tokens with roomAdmin / roomCreate / roomList grants, so LiveKit's
// server SDKs (and remotemedia) moderate this server unchanged.
func (s *Server) RoomServiceHandler() http.Handler {
	ts := livekit.NewRoomServiceServer(&roomService{s: s})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if claims, err := s.verifyAPI(tokenFrom(r)); err == nil {
			ctx = context.WithValue(ctx, claimsKey{}, claims)
		}
		ts.ServeHTTP(w, r.WithContext(ctx))
	})
}

type claimsKey struct{}

// verifyAPI checks a server-API token (no room join needed).
func (s *Server) verifyAPI(token string) (*auth.ClaimGrants, error) {
	t, err := auth.ParseAPIToken(token)
	if err != nil {
		return nil, errBadToken
	}
	secret, ok := s.keys[t.APIKey()]
	if !ok {
		return nil, errUnknownKey
	}
	reg, claims, err := t.Verify(secret)
	if err == nil && reg.ExpiresAt == nil {
		return nil, errNoExpiry
	}
	return claims, err
}

type roomService struct{ s *Server }

var _ livekit.RoomService = (*roomService)(nil)

// allow checks the caller's grant: admin of room, or the named capability.
// A token that joins a room is a client's, and clients have no
// RoomService power whatever else it says: moderation goes through the
// control plane's audited API (tokens minted before that rule carried
// roomAdmin for moderators).
func allow(ctx context.Context, room string, need func(*auth.VideoGrant) bool) error {
	c, _ := ctx.Value(claimsKey{}).(*auth.ClaimGrants)
	if c == nil || c.Video == nil {
		return twirp.NewError(twirp.Unauthenticated, "a valid API token is required")
	}
	if c.Video.RoomJoin {
		return twirp.NewError(twirp.PermissionDenied, "a participant's token cannot call RoomService")
	}
	if !need(c.Video) {
		return twirp.NewError(twirp.PermissionDenied, "the token does not grant this action")
	}
	if room != "" && c.Video.Room != "" && c.Video.Room != room && !c.Video.RoomCreate {
		return twirp.NewError(twirp.PermissionDenied, "the token is for another room")
	}
	return nil
}

func isAdmin(v *auth.VideoGrant) bool   { return v.RoomAdmin }
func canCreate(v *auth.VideoGrant) bool { return v.RoomCreate }
func canList(v *auth.VideoGrant) bool   { return v.RoomList }

// twirpErr maps domain errors to twirp errors.
func twirpErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rooms.ErrNotFound):
		return twirp.NewError(twirp.NotFound, err.Error())
	case errors.Is(err, rooms.ErrInvalid):
		return twirp.NewError(twirp.InvalidArgument, err.Error())
	}
	return twirp.InternalErrorWith(err)
}

func (rs *roomService) CreateRoom(ctx context.Context, req *livekit.CreateRoomRequest) (*livekit.Room, error) {
	if err := allow(ctx, "", canCreate); err != nil {
		return nil, err
	}
	if req.Name == "" {
		return nil, twirp.RequiredArgumentError("name")
	}
	r := rs.s.roomFor(req.Name)
	if req.Metadata != "" {
		_ = rs.s.SetRoomMetadata(ctx, req.Name, req.Metadata)
	}
	return r.info(), nil
}

func (rs *roomService) ListRooms(ctx context.Context, req *livekit.ListRoomsRequest) (*livekit.ListRoomsResponse, error) {
	if err := allow(ctx, "", canList); err != nil {
		return nil, err
	}
	rs.s.mu.Lock()
	all := make([]*room, 0, len(rs.s.rooms))
	for _, r := range rs.s.rooms {
		if len(req.Names) == 0 || contains(req.Names, r.name) {
			all = append(all, r)
		}
	}
	rs.s.mu.Unlock()
	out := &livekit.ListRoomsResponse{}
	for _, r := range all {
		out.Rooms = append(out.Rooms, r.info())
	}
	return out, nil
}

func (rs *roomService) DeleteRoom(ctx context.Context, req *livekit.DeleteRoomRequest) (*livekit.DeleteRoomResponse, error) {
	if err := allow(ctx, "", canCreate); err != nil {
		return nil, err
	}
	return &livekit.DeleteRoomResponse{}, twirpErr(rs.s.DeleteRoom(ctx, req.Room))
}

func (rs *roomService) ListParticipants(ctx context.Context, req *livekit.ListParticipantsRequest) (*livekit.ListParticipantsResponse, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	r, err := rs.s.existing(req.Room)
	if err != nil {
		return nil, twirpErr(err)
	}
	out := &livekit.ListParticipantsResponse{}
	for _, p := range r.others(nil) {
		out.Participants = append(out.Participants, p.info())
	}
	return out, nil
}

func (rs *roomService) GetParticipant(ctx context.Context, req *livekit.RoomParticipantIdentity) (*livekit.ParticipantInfo, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	p, err := rs.s.participantIn(req.Room, req.Identity)
	if err != nil {
		return nil, twirpErr(err)
	}
	return p.info(), nil
}

func (rs *roomService) RemoveParticipant(ctx context.Context, req *livekit.RoomParticipantIdentity) (*livekit.RemoveParticipantResponse, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	return &livekit.RemoveParticipantResponse{}, twirpErr(rs.s.RemoveParticipant(ctx, req.Room, req.Identity))
}

// MutePublishedTrack mutes only: unmuting someone else is refused (people
// unmute themselves; moderators may ask them to).
func (rs *roomService) MutePublishedTrack(ctx context.Context, req *livekit.MuteRoomTrackRequest) (*livekit.MuteRoomTrackResponse, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	if !req.Muted {
		return nil, twirp.NewError(twirp.PermissionDenied, "remote unmute is not allowed; ask the participant to unmute")
	}
	if err := rs.s.MuteTrack(ctx, req.Room, req.Identity, req.TrackSid); err != nil {
		return nil, twirpErr(err)
	}
	p, err := rs.s.participantIn(req.Room, req.Identity)
	if err != nil {
		return nil, twirpErr(err)
	}
	for _, t := range p.info().Tracks { // copies, safe to marshal
		if t.Sid == req.TrackSid {
			return &livekit.MuteRoomTrackResponse{Track: t}, nil
		}
	}
	return nil, twirp.NotFoundError("track does not exist")
}

func (rs *roomService) UpdateParticipant(ctx context.Context, req *livekit.UpdateParticipantRequest) (*livekit.ParticipantInfo, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	p, err := rs.s.participantIn(req.Room, req.Identity)
	if err != nil {
		return nil, twirpErr(err)
	}
	if req.Name != "" || req.Metadata != "" {
		p.mu.Lock()
		if req.Name != "" {
			p.name = req.Name
		}
		if req.Metadata != "" {
			p.metadata = req.Metadata
		}
		p.changedLocked()
		p.mu.Unlock()
		p.room.broadcastInfo(p, true)
	}
	if len(req.Attributes) > 0 {
		_ = rs.s.SetAttributes(ctx, req.Room, req.Identity, req.Attributes)
	}
	if perm := req.Permission; perm != nil {
		_ = rs.s.SetPermissions(ctx, req.Room, req.Identity, rooms.MediaPermission{CanPublish: perm.CanPublish,
			CanSubscribe: perm.CanSubscribe, CanPublishData: perm.CanPublishData})
	}
	return p.info(), nil
}

func (rs *roomService) UpdateSubscriptions(ctx context.Context, req *livekit.UpdateSubscriptionsRequest) (*livekit.UpdateSubscriptionsResponse, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	p, err := rs.s.participantIn(req.Room, req.Identity)
	if err != nil {
		return nil, twirpErr(err)
	}
	p.onSubscription(&livekit.UpdateSubscription{TrackSids: req.TrackSids, Subscribe: req.Subscribe, ParticipantTracks: req.ParticipantTracks})
	return &livekit.UpdateSubscriptionsResponse{}, nil
}

func (rs *roomService) SendData(ctx context.Context, req *livekit.SendDataRequest) (*livekit.SendDataResponse, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	return &livekit.SendDataResponse{}, twirpErr(rs.s.SendData(ctx, req.Room, req.GetTopic(), req.Data, req.DestinationIdentities))
}

func (rs *roomService) UpdateRoomMetadata(ctx context.Context, req *livekit.UpdateRoomMetadataRequest) (*livekit.Room, error) {
	if err := allow(ctx, req.Room, isAdmin); err != nil {
		return nil, err
	}
	if err := rs.s.SetRoomMetadata(ctx, req.Room, req.Metadata); err != nil {
		return nil, twirpErr(err)
	}
	r, err := rs.s.existing(req.Room)
	if err != nil {
		return nil, twirpErr(err)
	}
	return r.info(), nil
}

func (rs *roomService) ForwardParticipant(context.Context, *livekit.ForwardParticipantRequest) (*livekit.ForwardParticipantResponse, error) {
	return nil, twirp.NewError(twirp.Unimplemented, "forwarding participants between rooms is not supported")
}

func (rs *roomService) MoveParticipant(context.Context, *livekit.MoveParticipantRequest) (*livekit.MoveParticipantResponse, error) {
	return nil, twirp.NewError(twirp.Unimplemented, "moving participants between rooms is not supported")
}

func (rs *roomService) PerformRpc(context.Context, *livekit.PerformRpcRequest) (*livekit.PerformRpcResponse, error) {
	return nil, twirp.NewError(twirp.Unimplemented, "server-initiated RPC is not supported")
}
