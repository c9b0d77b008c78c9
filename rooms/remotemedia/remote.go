// Package remotemedia implements rooms.MediaPlane as a client of a
// LiveKit-compatible RoomService (twirp, protobuf): a LiveKit cluster, or
// another zadankai server's embedded SFU.
package remotemedia

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/twitchtv/twirp"

	"github.com/zadankai/zadankai/rooms"
)

// Client calls a RoomService at URL with tokens signed by Key/Secret.
type Client struct {
	svc         livekit.RoomService
	key, secret string
}

var _ rooms.MediaPlane = (*Client)(nil)

// New returns a client of the RoomService at url (http(s)://, or the
// ws(s):// address clients use, which is turned into http(s)).
func New(url, key, secret string) *Client {
	url = strings.Replace(strings.Replace(url, "wss://", "https://", 1), "ws://", "http://", 1)
	hc := &http.Client{Timeout: 10 * time.Second}
	return &Client{svc: livekit.NewRoomServiceProtobufClient(strings.TrimSuffix(url, "/"), hc), key: key, secret: secret}
}

// authorized returns ctx carrying a short-lived token with grant.
func (c *Client) authorized(ctx context.Context, grant *auth.VideoGrant) (context.Context, error) {
	jwt, err := auth.NewAccessToken(c.key, c.secret).SetVideoGrant(grant).SetValidFor(time.Minute).ToJWT()
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+jwt)
	return twirp.WithHTTPRequestHeaders(ctx, h)
}

func (c *Client) admin(ctx context.Context, room string) (context.Context, error) {
	return c.authorized(ctx, &auth.VideoGrant{RoomAdmin: true, Room: room})
}

// mapErr turns twirp errors into domain errors.
func mapErr(err error) error {
	var te twirp.Error
	if errors.As(err, &te) {
		switch te.Code() {
		case twirp.NotFound:
			return fmt.Errorf("%w: %s", rooms.ErrNotFound, te.Msg())
		case twirp.PermissionDenied, twirp.Unauthenticated:
			return fmt.Errorf("%w: %s", rooms.ErrForbidden, te.Msg())
		case twirp.InvalidArgument, twirp.FailedPrecondition:
			return fmt.Errorf("%w: %s", rooms.ErrInvalid, te.Msg())
		}
	}
	if err != nil {
		return fmt.Errorf("remotemedia: %w", err)
	}
	return nil
}

// ListParticipants implements rooms.MediaPlane.
func (c *Client) ListParticipants(ctx context.Context, room string) ([]rooms.MediaParticipant, error) {
	ctx, err := c.admin(ctx, room)
	if err != nil {
		return nil, err
	}
	res, err := c.svc.ListParticipants(ctx, &livekit.ListParticipantsRequest{Room: room})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]rooms.MediaParticipant, 0, len(res.Participants))
	for _, p := range res.Participants {
		out = append(out, Participant(p))
	}
	return out, nil
}

// Participant converts LiveKit's ParticipantInfo to the domain's view;
// the embedded media plane uses it too, so both report alike.
func Participant(p *livekit.ParticipantInfo) rooms.MediaParticipant {
	mp := rooms.MediaParticipant{Identity: p.Identity, Name: p.Name, Attributes: map[string]string{}}
	for k, v := range p.Attributes {
		mp.Attributes[k] = v
	}
	if perm := p.Permission; perm != nil {
		mp.Permission = rooms.MediaPermission{CanPublish: perm.CanPublish, CanSubscribe: perm.CanSubscribe, CanPublishData: perm.CanPublishData}
	}
	for _, t := range p.Tracks {
		kind := "video"
		if t.Type == livekit.TrackType_AUDIO {
			kind = "audio"
		}
		mp.Tracks = append(mp.Tracks, rooms.MediaTrack{SID: t.Sid, Kind: kind, Source: strings.ToLower(t.Source.String()), Muted: t.Muted})
	}
	return mp
}

// MuteTrack implements rooms.MediaPlane.
func (c *Client) MuteTrack(ctx context.Context, room, identity, trackSID string) error {
	ctx, err := c.admin(ctx, room)
	if err != nil {
		return err
	}
	_, err = c.svc.MutePublishedTrack(ctx, &livekit.MuteRoomTrackRequest{Room: room, Identity: identity, TrackSid: trackSID, Muted: true})
	return mapErr(err)
}

// SetPermissions implements rooms.MediaPlane.
func (c *Client) SetPermissions(ctx context.Context, room, identity string, p rooms.MediaPermission) error {
	ctx, err := c.admin(ctx, room)
	if err != nil {
		return err
	}
	_, err = c.svc.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{Room: room, Identity: identity,
		Permission: &livekit.ParticipantPermission{CanPublish: p.CanPublish, CanSubscribe: p.CanSubscribe, CanPublishData: p.CanPublishData}})
	return mapErr(err)
}

// SetAttributes implements rooms.MediaPlane.
func (c *Client) SetAttributes(ctx context.Context, room, identity string, attrs map[string]string) error {
	ctx, err := c.admin(ctx, room)
	if err != nil {
		return err
	}
	_, err = c.svc.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{Room: room, Identity: identity, Attributes: attrs})
	return mapErr(err)
}

// SetRoomMetadata implements rooms.MediaPlane.
func (c *Client) SetRoomMetadata(ctx context.Context, room, metadata string) error {
	ctx, err := c.admin(ctx, room)
	if err != nil {
		return err
	}
	_, err = c.svc.UpdateRoomMetadata(ctx, &livekit.UpdateRoomMetadataRequest{Room: room, Metadata: metadata})
	return mapErr(err)
}

// RemoveParticipant implements rooms.MediaPlane.
func (c *Client) RemoveParticipant(ctx context.Context, room, identity string) error {
	ctx, err := c.admin(ctx, room)
	if err != nil {
		return err
	}
	_, err = c.svc.RemoveParticipant(ctx, &livekit.RoomParticipantIdentity{Room: room, Identity: identity})
	return mapErr(err)
}

// DeleteRoom implements rooms.MediaPlane.
func (c *Client) DeleteRoom(ctx context.Context, room string) error {
	ctx, err := c.authorized(ctx, &auth.VideoGrant{RoomCreate: true})
	if err != nil {
		return err
	}
	_, err = c.svc.DeleteRoom(ctx, &livekit.DeleteRoomRequest{Room: room})
	return mapErr(err)
}

// SendData implements rooms.MediaPlane.
func (c *Client) SendData(ctx context.Context, room, topic string, data []byte, to []string) error {
	ctx, err := c.admin(ctx, room)
	if err != nil {
		return err
	}
	_, err = c.svc.SendData(ctx, &livekit.SendDataRequest{Room: room, Data: data, Kind: livekit.DataPacket_RELIABLE,
		DestinationIdentities: to, Topic: &topic})
	return mapErr(err)
}
