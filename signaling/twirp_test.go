package signaling_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/twitchtv/twirp"
)

// TestRoomServiceWithTheGoSDK drives /twirp with LiveKit's own
// RoomServiceClient and checks the grants and twirp error shapes.
func TestRoomServiceWithTheGoSDK(t *testing.T) {
	ts := newServer(t)
	connect(t, ts, "alice", grants{}, nil)
	httpURL := strings.Replace(ts.url, "ws://", "http://", 1)
	rsc := lksdk.NewRoomServiceClient(httpURL, apiKey, apiSecret)
	ctx := context.Background()
	res, err := rsc.ListParticipants(ctx, &livekit.ListParticipantsRequest{Room: "test-room"})
	if err != nil || len(res.Participants) != 1 || res.Participants[0].Identity != "alice" {
		t.Fatalf("ListParticipants = %v, %v", res, err)
	}
	rooms, err := rsc.ListRooms(ctx, &livekit.ListRoomsRequest{})
	if err != nil || len(rooms.Rooms) != 1 || rooms.Rooms[0].Name != "test-room" {
		t.Errorf("ListRooms = %v, %v", rooms, err)
	}
	_, err = rsc.MutePublishedTrack(ctx, &livekit.MuteRoomTrackRequest{Room: "test-room", Identity: "alice", TrackSid: "TR_x", Muted: false})
	if code := twirpCode(err); code != twirp.PermissionDenied {
		t.Errorf("remote unmute: %v, want permission_denied", err)
	}
	if _, err := rsc.GetParticipant(ctx, &livekit.RoomParticipantIdentity{Room: "test-room", Identity: "ghost"}); twirpCode(err) != twirp.NotFound {
		t.Errorf("unknown participant: %v, want not_found", err)
	}
	// A participant's own token (no roomAdmin) may not moderate.
	pt, _ := auth.NewAccessToken(apiKey, apiSecret).SetIdentity("x").SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: "test-room"}).ToJWT()
	req, _ := http.NewRequest("POST", httpURL+"/twirp/livekit.RoomService/RemoveParticipant", strings.NewReader(`{"room":"test-room","identity":"alice"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+pt)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 403 {
		t.Errorf("RemoveParticipant without roomAdmin (JSON) = %d, want 403", r.StatusCode)
	}
	req2, _ := http.NewRequest("POST", httpURL+"/twirp/livekit.RoomService/ListRooms", strings.NewReader(`{}`))
	req2.Header.Set("Content-Type", "application/json")
	r2, err := http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != 401 {
		t.Errorf("no token = %d, want 401", r2.StatusCode)
	}
	if res, _ := rsc.ListParticipants(ctx, &livekit.ListParticipantsRequest{Room: "test-room"}); len(res.GetParticipants()) != 1 {
		t.Errorf("a refused removal removed alice")
	}
}

func twirpCode(err error) twirp.ErrorCode {
	var te twirp.Error
	if errors.As(err, &te) {
		return te.Code()
	}
	return ""
}
