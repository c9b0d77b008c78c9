package signaling_test

// Attacks on the room rules and on what a participant may do to others,
// one test per hole (each failed before its fix). Read as a list, this is
// what the media plane defends:
//
//   - a token minted before a lock, a lobby, a removal or the end does not
//     carry anyone past it, after a restart of the server too;
//   - with media on a remote LiveKit-compatible server, whoever joins
//     against the rules is removed (or sent to the lobby) through its
//     webhooks, and forged webhooks change nothing (livekit_test.go runs
//     the same against a real LiveKit server);
//   - a moderator's client token has no RoomService power;
//   - a participant cannot flood the room with her own name, metadata or
//     attributes, nor set the server's attributes (role, lobby) on herself;
//   - others learn that a removed participant was removed.

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/twitchtv/twirp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/remotemedia"
	"github.com/zadankai/zadankai/signaling"
)

// tapClient is a signal connection driven by hand (no media) that keeps
// every frame it receives, with its size, read as they come.
type tapClient struct {
	ws *websocket.Conn

	mu     sync.Mutex
	frames []*livekit.SignalResponse // guarded by mu
	sizes  []int                     // guarded by mu
}

// dialTap opens a signal connection with tok (query adds parameters); a
// refusal comes back as an error with the HTTP status and body.
func dialTap(t *testing.T, wsURL, tok, query string) (*tapClient, error) {
	t.Helper()
	ws, res, err := websocket.DefaultDialer.Dial(wsURL+"/rtc?protocol=17"+query, http.Header{"Authorization": {"Bearer " + tok}})
	if err != nil {
		if res != nil {
			b, _ := io.ReadAll(res.Body)
			return nil, fmt.Errorf("%d %s", res.StatusCode, b)
		}
		return nil, err
	}
	t.Cleanup(func() { ws.Close() })
	c := &tapClient{ws: ws}
	go c.read()
	return c, nil
}

func (c *tapClient) read() {
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var res livekit.SignalResponse
		if proto.Unmarshal(b, &res) != nil {
			continue
		}
		c.mu.Lock()
		c.frames = append(c.frames, &res)
		c.sizes = append(c.sizes, len(b))
		c.mu.Unlock()
	}
}

func (c *tapClient) send(t *testing.T, req *livekit.SignalRequest) {
	t.Helper()
	b, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		t.Fatal(err)
	}
}

// await waits for a frame after the first from that matches; it returns
// the index after it and the bytes received from from up to it.
func (c *tapClient) await(t *testing.T, from int, what string, match func(*livekit.SignalResponse) bool) (next, bytes int) {
	t.Helper()
	waitFor(t, 10*time.Second, func() string {
		c.mu.Lock()
		defer c.mu.Unlock()
		bytes = 0
		for i := from; i < len(c.frames); i++ {
			bytes += c.sizes[i]
			if match(c.frames[i]) {
				next = i + 1
				return ""
			}
		}
		return what + " never arrived"
	})
	return next, bytes
}

// count returns how many frames after the first from match.
func (c *tapClient) count(from int, match func(*livekit.SignalResponse) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range c.frames[min(from, len(c.frames)):] {
		if match(f) {
			n++
		}
	}
	return n
}

// refusedFor returns a matcher of request_responses with reason whose
// message contains text.
func refusedFor(reason livekit.RequestResponse_Reason, text string) func(*livekit.SignalResponse) bool {
	return func(r *livekit.SignalResponse) bool {
		rr := r.GetRequestResponse()
		return rr != nil && rr.Reason == reason && strings.Contains(rr.Message, text)
	}
}

// infoOf returns identity's info in an update, or nil.
func infoOf(res *livekit.SignalResponse, identity string) *livekit.ParticipantInfo {
	for _, p := range res.GetUpdate().GetParticipants() {
		if p.Identity == identity {
			return p
		}
	}
	return nil
}

// TestAttackTokenMintedBeforeLockStillJoins: a token fetched while the
// room was open used to open it after the moderators locked it.
func TestAttackTokenMintedBeforeLockStillJoins(t *testing.T) {
	ts, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false, "member@a.test")
	url, held, err := sc.members[0].token(t, sc.rt)
	if err != nil {
		t.Fatal(err)
	}
	if s := sc.mod.moderate(t, sc.rt, `{"action":"lock","on":true}`); s != 200 {
		t.Fatalf("lock: %d", s)
	}
	if code, body := validateWith(t, ts, held); code != 403 || !strings.Contains(body, "locked") {
		t.Errorf("validate with a token minted before the lock: %d %q, want 403 naming the lock", code, body)
	}
	if room, err := lksdk.ConnectToRoomWithToken(url, held, &lksdk.RoomCallback{}); err == nil {
		room.Disconnect()
		t.Fatal("a token minted before the lock joined the locked room")
	}
	if s := sc.mod.moderate(t, sc.rt, `{"action":"lock","on":false}`); s != 200 {
		t.Fatalf("unlock: %d", s)
	}
	room, err := lksdk.ConnectToRoomWithToken(url, held, &lksdk.RoomCallback{})
	if err != nil {
		t.Fatalf("once unlocked, the room still refuses: %v", err)
	}
	room.Disconnect()
}

// TestAttackTokenMintedBeforeLobbyHasFullGrants: a token fetched before
// the lobby was turned on used to join with every grant; its holder now
// waits in the lobby, receiving nothing, until admitted.
func TestAttackTokenMintedBeforeLobbyHasFullGrants(t *testing.T) {
	_, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false, "member@a.test")
	pub := publishMic(t, sc.modRoom)
	url, held, err := sc.members[0].token(t, sc.rt)
	if err != nil {
		t.Fatal(err)
	}
	if s := sc.mod.moderate(t, sc.rt, `{"action":"lobby","on":true}`); s != 200 {
		t.Fatalf("lobby on: %d", s)
	}
	rec := newRecorder()
	memRoom, err := lksdk.ConnectToRoomWithToken(url, held, rec.callback())
	if err != nil {
		t.Fatal(err)
	}
	defer memRoom.Disconnect()
	testWaitsUntilAdmitted(t, sc, memRoom, rec, pub.SID())
}

// TestAttackEndedRoomComesBackWithOldTokens: after "end for all", the
// tokens held from before the end, the refreshed ones included, used to
// re-create the room without its moderator.
func TestAttackEndedRoomComesBackWithOldTokens(t *testing.T) {
	ts, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false, "member@a.test")
	_, held, err := sc.members[0].token(t, sc.rt)
	if err != nil {
		t.Fatal(err)
	}
	c, err := dialTap(t, ts.url, held, "")
	if err != nil {
		t.Fatal(err)
	}
	var refreshed string
	next, _ := c.await(t, 0, "a refreshed token", func(r *livekit.SignalResponse) bool { refreshed = r.GetRefreshToken(); return refreshed != "" })
	if s := sc.mod.moderate(t, sc.rt, `{"action":"end"}`); s != 200 {
		t.Fatalf("end: %d", s)
	}
	next, _ = c.await(t, next, "the end", func(r *livekit.SignalResponse) bool {
		return r.GetLeave().GetReason() == livekit.DisconnectReason_ROOM_DELETED
	})
	for name, tok := range map[string]string{"held": held, "refreshed": refreshed} {
		if _, err := dialTap(t, ts.url, tok, ""); err == nil || !strings.Contains(err.Error(), "ended") {
			t.Errorf("the %s token after the end: %v, want a refusal naming the end", name, err)
		}
	}
	if _, err := ts.sig.ListParticipants(context.Background(), sc.room); err == nil {
		t.Errorf("the ended room exists again")
	}
	if n := c.count(next, func(r *livekit.SignalResponse) bool { return r.GetRefreshToken() != "" }); n > 0 {
		t.Errorf("%d refreshed tokens were sent after the end", n)
	}
}

// TestAttackRulesForgottenOnRestart: the embedded SFU kept removals in
// memory only; after a restart a removed member's old token, or one
// minted before the lock, opened the room again. The rules are the
// store's, which a restart does not touch.
func TestAttackRulesForgottenOnRestart(t *testing.T) {
	store := newStore(t)
	rules := func(p *signaling.Params) { p.Rules = rooms.RoomRules{Store: store} }
	before := newServerWith(t, rules)
	cp := newControlPlaneWith(t, cpOptions{store: store, media: before.sig, mediaURL: before.url})
	sc := cp.scene(t, "small_round", false, "removed@a.test", "late@b.test")
	removed, late := sc.members[0], sc.members[1]
	remRoom, err := removed.join(t, sc.rt, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer remRoom.Disconnect()
	_, remHeld, _ := removed.token(t, sc.rt)
	_, lateHeld, _ := late.token(t, sc.rt)
	if s := sc.mod.moderate(t, sc.rt, `{"action":"remove","identity":"`+string(removed.m.ID)+`"}`); s != 200 {
		t.Fatalf("remove: %d", s)
	}
	if s := sc.mod.moderate(t, sc.rt, `{"action":"lock","on":true}`); s != 200 {
		t.Fatalf("lock: %d", s)
	}
	before.close() // a restart: nothing the process kept in memory survives
	after := newServerWith(t, rules)
	for name, tok := range map[string]string{"removed": remHeld, "locked out": lateHeld} {
		if code, body := validateWith(t, after, tok); code != 403 {
			t.Errorf("after a restart, the %s member's old token: %d %q, want 403", name, code, body)
		}
	}
	_, modHeld, _ := sc.mod.token(t, sc.rt)
	if code, body := validateWith(t, after, modHeld); code != 200 {
		t.Errorf("after a restart the moderator is refused: %d %q", code, body)
	}
}

// TestAttackModeratorCallsRoomService: a moderator's join token carried
// roomAdmin, so she could remove someone (or grant publishing) through
// RoomService herself, unaudited and unremembered. Client tokens, old
// ones with roomAdmin included, get permission_denied.
func TestAttackModeratorCallsRoomService(t *testing.T) {
	ts, cp := newRuledServer(t)
	sc := cp.scene(t, "small_round", false, "member@a.test")
	member := sc.members[0]
	memRoom, err := member.join(t, sc.rt, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer memRoom.Disconnect()
	_, modTok, err := sc.mod.token(t, sc.rt)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := auth.NewAccessToken(apiKey, apiSecret).SetIdentity(string(sc.mod.m.ID)).
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: sc.room, RoomAdmin: true}).ToJWT()
	for name, tok := range map[string]string{"moderator's join token": modTok, "join token with roomAdmin": old} {
		err := twirpRemove(t, ts.url, tok, sc.room, string(member.m.ID))
		if twirpCode(err) != twirp.PermissionDenied {
			t.Errorf("RemoveParticipant with the %s: %v, want permission_denied", name, err)
		}
	}
	if ps, _ := ts.sig.ListParticipants(context.Background(), sc.room); len(ps) != 2 {
		t.Errorf("the member is no longer in the room: %+v", ps)
	}
}

// twirpRemove calls RoomService.RemoveParticipant at the media plane
// wsURL with tok, as LiveKit's server SDK would.
func twirpRemove(t *testing.T, wsURL, tok, room, identity string) error {
	t.Helper()
	httpURL := strings.Replace(wsURL, "ws://", "http://", 1)
	rs := livekit.NewRoomServiceProtobufClient(httpURL, http.DefaultClient)
	h := http.Header{}
	h.Set("Authorization", "Bearer "+tok)
	ctx, err := twirp.WithHTTPRequestHeaders(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rs.RemoveParticipant(ctx, &livekit.RoomParticipantIdentity{Room: room, Identity: identity})
	return err
}

// TestAttackOwnMetadataFlood: 30 updates of 200 KB made everyone else
// receive 6 MB and the next joiner a 6 MB JoinResponse. Updates beyond
// the caps are refused with request_response and change nothing; a burst
// of small ones is paced.
func TestAttackOwnMetadataFlood(t *testing.T) {
	ts := newServer(t)
	self := grants{selfMeta: true}
	bob, err := dialTap(t, ts.url, token(t, "bob", self), "")
	if err != nil {
		t.Fatal(err)
	}
	bob.await(t, 0, "bob's JoinResponse", func(r *livekit.SignalResponse) bool { return r.GetJoin() != nil })
	alice, err := dialTap(t, ts.url, token(t, "alice", self), "")
	if err != nil {
		t.Fatal(err)
	}
	bobFrom, _ := bob.await(t, 0, "alice's arrival", func(r *livekit.SignalResponse) bool { return infoOf(r, "alice") != nil })
	big := strings.Repeat("x", 200<<10)
	floods := []*livekit.UpdateParticipantMetadata{{Metadata: big}, {Name: big}, {Attributes: map[string]string{"hand": big}}}
	for i := range 30 {
		u := proto.Clone(floods[i%len(floods)]).(*livekit.UpdateParticipantMetadata)
		u.RequestId = uint32(i + 1)
		alice.send(t, &livekit.SignalRequest{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: u}})
	}
	// Requests are handled in order: once bob sees the raised hand, every
	// flood has been dealt with.
	alice.send(t, &livekit.SignalRequest{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: &livekit.UpdateParticipantMetadata{
		Attributes: map[string]string{"hand": "1700000000000"}, RequestId: 99}}})
	_, got := bob.await(t, bobFrom, "alice's raised hand", func(r *livekit.SignalResponse) bool {
		return infoOf(r, "alice").GetAttributes()["hand"] == "1700000000000"
	})
	t.Logf("bob received %d bytes while alice sent 30 updates of 200 KB", got)
	if got > 16<<10 {
		t.Errorf("bob received %d bytes while alice flooded", got)
	}
	waitFor(t, 5*time.Second, func() string {
		if n := alice.count(0, refusedFor(livekit.RequestResponse_LIMIT_EXCEEDED, "exceeds")); n != 30 {
			return fmt.Sprintf("alice got %d refusals of her 30 floods", n)
		}
		return ""
	})
	carol, err := dialTap(t, ts.url, token(t, "carol", self), "")
	if err != nil {
		t.Fatal(err)
	}
	_, joinSize := carol.await(t, 0, "carol's JoinResponse", func(r *livekit.SignalResponse) bool { return r.GetJoin() != nil })
	t.Logf("the next joiner's JoinResponse: %d bytes", joinSize)
	if joinSize > 16<<10 {
		t.Errorf("the next joiner's JoinResponse is %d bytes", joinSize)
	}
	testSelfUpdatesPaced(t, ts, alice, bob)
}

// testSelfUpdatesPaced: of a burst of 40 small updates, the others
// receive the burst allowance; the rest are refused.
func testSelfUpdatesPaced(t *testing.T, ts *testServer, alice, bob *tapClient) {
	t.Helper()
	bob.mu.Lock()
	bobFrom := len(bob.frames)
	bob.mu.Unlock()
	for i := range 40 {
		alice.send(t, &livekit.SignalRequest{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: &livekit.UpdateParticipantMetadata{
			Attributes: map[string]string{"away": fmt.Sprint(i%2 + 1)}, RequestId: uint32(100 + i)}}})
	}
	// A request always refused ends the burst: once its answer is back,
	// every update of the burst has gone to bob's queue. A newcomer's
	// arrival, queued after them, shows bob has read them all.
	alice.send(t, &livekit.SignalRequest{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: &livekit.UpdateParticipantMetadata{
		Attributes: map[string]string{"role": "x"}, RequestId: 200}}})
	alice.await(t, 0, "the end of the burst", func(r *livekit.SignalResponse) bool { return r.GetRequestResponse().GetRequestId() == 200 })
	if _, err := dialTap(t, ts.url, token(t, "dave", grants{}), ""); err != nil {
		t.Fatal(err)
	}
	bobTo, _ := bob.await(t, bobFrom, "dave's arrival", func(r *livekit.SignalResponse) bool { return infoOf(r, "dave") != nil })
	seen := bob.count(bobFrom, func(r *livekit.SignalResponse) bool { return infoOf(r, "alice") != nil }) -
		bob.count(bobTo, func(r *livekit.SignalResponse) bool { return infoOf(r, "alice") != nil })
	refused := alice.count(0, refusedFor(livekit.RequestResponse_LIMIT_EXCEEDED, "too many"))
	t.Logf("of 40 quick updates, %d were refused and bob saw %d", refused, seen)
	if seen > 11 || seen+refused != 40 {
		t.Errorf("of 40 quick updates, %d were refused and bob saw %d; want at most the burst of 10 seen", refused, seen)
	}
}

// TestAttackSelfAppointedModerator: a participant could set role:
// moderator (or lobby) on herself and appear as a moderator; those keys
// are the server's, from an update or a join_request alike.
func TestAttackSelfAppointedModerator(t *testing.T) {
	ts := newServer(t)
	self := grants{selfMeta: true, attrs: map[string]string{"role": "participant"}}
	bob, err := dialTap(t, ts.url, token(t, "bob", self), "")
	if err != nil {
		t.Fatal(err)
	}
	jr := joinRequestParam(t, &livekit.JoinRequest{ParticipantAttributes: map[string]string{"role": "moderator"},
		ConnectionSettings: &livekit.ConnectionSettings{AutoSubscribe: true}}, true)
	alice, err := dialTap(t, ts.url, token(t, "alice", self), "&join_request="+jr)
	if err != nil {
		t.Fatal(err)
	}
	for i, attrs := range []map[string]string{{"role": "moderator"}, {"lobby": "1"}, {"role": ""}, {"hand": "1", "role": "moderator"}} {
		alice.send(t, &livekit.SignalRequest{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: &livekit.UpdateParticipantMetadata{
			Attributes: attrs, RequestId: uint32(i + 1)}}})
		alice.await(t, 0, fmt.Sprintf("the refusal of %v", attrs), func(r *livekit.SignalResponse) bool {
			rr := r.GetRequestResponse()
			return rr.GetRequestId() == uint32(i+1) && rr.GetReason() == livekit.RequestResponse_NOT_ALLOWED
		})
	}
	alice.send(t, &livekit.SignalRequest{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: &livekit.UpdateParticipantMetadata{
		Attributes: map[string]string{"hand": "1700000000000"}, RequestId: 9}}})
	var seen map[string]string
	bob.await(t, 0, "alice's raised hand", func(r *livekit.SignalResponse) bool {
		seen = infoOf(r, "alice").GetAttributes()
		return seen["hand"] == "1700000000000"
	})
	if seen["role"] != "participant" || seen["lobby"] != "" {
		t.Errorf("bob sees alice with attributes %v; role and lobby are the server's", seen)
	}
}

// TestAttackRemovalLooksLikeLeaving: others saw a removed participant
// leave with UNKNOWN_REASON; LiveKit tells them PARTICIPANT_REMOVED.
func TestAttackRemovalLooksLikeLeaving(t *testing.T) {
	ts := newServer(t)
	var reason atomic.Int32
	reason.Store(-1)
	watcher, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "watcher", grants{}), &lksdk.RoomCallback{
		OnParticipantDisconnected: func(p *lksdk.RemoteParticipant) { reason.Store(int32(p.DisconnectReason())) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Disconnect()
	connect(t, ts, "alice", grants{}, nil)
	waitFor(t, 5*time.Second, func() string {
		if watcher.GetParticipantByIdentity("alice") == nil {
			return "the watcher does not see alice"
		}
		return ""
	})
	if err := ts.sig.RemoveParticipant(context.Background(), "test-room", "alice"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() string {
		if r := livekit.DisconnectReason(reason.Load()); r != livekit.DisconnectReason_PARTICIPANT_REMOVED {
			return fmt.Sprintf("the watcher saw alice leave with %v, want PARTICIPANT_REMOVED", r)
		}
		return ""
	})
}

// remotePlane is the embedded server standing in for a remote
// LiveKit-compatible media plane: it knows no room rules, the control
// plane moderates it through twirp, and its webhooks go to the control
// plane's receiver.
func remotePlane(t *testing.T) (*testServer, *controlPlane) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := newServerWith(t, func(p *signaling.Params) {
		p.Webhooks = signaling.WebhookConfig{URLs: []string{"http://" + ln.Addr().String() + webhookPath}, APIKey: apiKey}
	})
	cp := newControlPlaneWith(t, cpOptions{store: newStore(t), media: remotemedia.New(ts.url, apiKey, apiSecret), mediaURL: ts.url,
		webhook: true, ln: ln})
	return ts, cp
}

// TestAttackRemotePlaneJoinsAgainstTheRules: a media plane that cannot
// revoke tokens (LiveKit) let in whoever held one from before a lock or
// a lobby. Its participant_joined webhook now makes the control plane
// remove the locked-out and send the stale-token holder to the lobby;
// forged webhooks change nothing.
func TestAttackRemotePlaneJoinsAgainstTheRules(t *testing.T) {
	_, cp := remotePlane(t)
	sc := cp.scene(t, "small_round", false, "early@a.test", "late@b.test", "waiting@c.test")
	early, late, waiting := sc.members[0], sc.members[1], sc.members[2]
	earlyRoom, err := early.join(t, sc.rt, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer earlyRoom.Disconnect()
	url, lateHeld, _ := late.token(t, sc.rt)
	_, waitHeld, _ := waiting.token(t, sc.rt)
	sc.mod.moderate(t, sc.rt, `{"action":"lock","on":true}`)
	// The media plane itself knows no rules: she joins, then is removed.
	c, err := dialTap(t, url, lateHeld, "")
	if err != nil {
		t.Fatalf("the rule-less media plane refused the old token: %v", err)
	}
	c.await(t, 0, "the removal of the locked-out member", func(r *livekit.SignalResponse) bool {
		return r.GetLeave().GetReason() == livekit.DisconnectReason_PARTICIPANT_REMOVED
	})
	sc.mod.moderate(t, sc.rt, `{"action":"lock","on":false}`)
	sc.mod.moderate(t, sc.rt, `{"action":"lobby","on":true}`)
	testForgedWebhooks(t, cp, sc.room, string(early.m.ID))
	waitRoom, err := lksdk.ConnectToRoomWithToken(url, waitHeld, &lksdk.RoomCallback{})
	if err != nil {
		t.Fatal(err)
	}
	defer waitRoom.Disconnect()
	waitFor(t, 10*time.Second, func() string { return inLobby(waitRoom) })
}

// testForgedWebhooks posts participant_joined events for someone who
// joined before the lobby (the receiver would send her there): unsigned,
// signed with a wrong secret or an unknown key, or for another body, each
// is refused with 401 and a stable code, she keeps her grants and the
// control plane does not count the session; only a genuine event acts.
func testForgedWebhooks(t *testing.T, cp *controlPlane, room, identity string) {
	t.Helper()
	ev := &livekit.WebhookEvent{Event: "participant_joined", Id: "EV_forged", CreatedAt: time.Now().Unix(), Room: &livekit.Room{Name: room, Sid: "RM_forged"},
		Participant: &livekit.ParticipantInfo{Sid: "PA_forged", Identity: identity, Permission: &livekit.ParticipantPermission{CanSubscribe: true, CanPublish: true}}}
	forged := []struct {
		name, key, secret string
		tamper            bool
	}{{"unsigned", "", "", false}, {"wrong secret", apiKey, "not-the-secret-not-the-secret-00", false},
		{"unknown key", "otherkey", apiSecret, false}, {"another body", apiKey, apiSecret, true}}
	for _, f := range forged {
		if status, code := postEvent(t, cp.url+webhookPath, ev, f.key, f.secret, f.tamper); status != http.StatusUnauthorized || code != "webhook_unverified" {
			t.Errorf("%s webhook: %d %q, want 401 webhook_unverified", f.name, status, code)
		}
	}
	granted := func() bool {
		ps, _ := remotemedia.New(cp.mediaURL, apiKey, apiSecret).ListParticipants(context.Background(), room)
		for _, p := range ps {
			if p.Identity == identity {
				return p.Permission.CanSubscribe
			}
		}
		return false
	}
	counted := func() bool {
		p, err := cp.store.GetRoomPresence(context.Background(), room)
		return err == nil && slices.ContainsFunc(p.Sessions, func(s rooms.PresenceSession) bool { return s.SID == "PA_forged" })
	}
	if !granted() || counted() {
		t.Fatalf("a forged webhook acted: granted %v, session counted %v", granted(), counted())
	}
	if status, _ := postEvent(t, cp.url+webhookPath, ev, apiKey, apiSecret, false); status != http.StatusNoContent {
		t.Errorf("a genuine webhook: %d, want 204", status)
	}
	if granted() || !counted() {
		t.Errorf("a genuine webhook did not act (granted %v, counted %v): the forged ones were refused for nothing", granted(), counted())
	}
}

// postEvent posts ev to url signed as LiveKit signs its webhooks with key
// and secret (none: unsigned); tamper changes the body after signing. It
// returns the status and the error code answered, if any.
func postEvent(t *testing.T, url string, ev *livekit.WebhookEvent, key, secret string, tamper bool) (int, string) {
	t.Helper()
	body, err := protojson.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", url, nil)
	req.Header.Set("Content-Type", "application/webhook+json")
	if key != "" {
		sum := sha256.Sum256(body)
		tok, _ := auth.NewAccessToken(key, secret).SetValidFor(5 * time.Minute).SetSha256(base64.StdEncoding.EncodeToString(sum[:])).ToJWT()
		req.Header.Set("Authorization", tok)
	}
	if tamper {
		body = []byte(strings.Replace(string(body), "EV_forged", "EV_forgex", 1))
	}
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.NewDecoder(res.Body).Decode(&e)
	return res.StatusCode, e.Error.Code
}
